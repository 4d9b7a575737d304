"""Sample content (for tests) and generated corpora (for build benchmarks).

Nothing here writes into content/: every tree is made in a folder the caller gives.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

from site_builder import LANGS, REPO_ROOT

SAMPLE_PAGES: dict[str, dict[str, str]] = {
    "index.md": {
        "zh": "---\ntitle: 首页\ndescription: 禁毒宣传教育平台\n---\n\n# 珍爱生命，远离毒品\n\n"
        "了解毒品的危害，学习相关法律，参加[禁毒知识竞答](quiz/index.md)。\n\n"
        "阅读[毒品的种类](knowledge/drugs.md)和[新闻动态](posts/index.md)。\n",
        "en": "---\ntitle: Home\ndescription: Drug prevention education\n---\n\n"
        "# Cherish life, stay away from drugs\n\nLearn about the harm drugs do, the law, and "
        "take the [knowledge challenge](quiz/index.md).\n\nRead about "
        "[kinds of drugs](knowledge/drugs.md) and the [news](posts/index.md).\n",
        "ko": "---\ntitle: 홈\ndescription: 마약 예방 교육\n---\n\n# 생명을 소중히, 마약은 멀리\n\n"
        "마약의 위험과 법률을 알아보고 [지식 챌린지](quiz/index.md)에 참여하세요.\n\n"
        "[마약의 종류](knowledge/drugs.md)와 [소식](posts/index.md)을 읽어 보세요.\n",
        "ja": "---\ntitle: ホーム\ndescription: 薬物乱用防止教育\n---\n\n"
        "# 命を大切に、薬物から遠ざかろう\n\n薬物の害と法律を学び、"
        "[知識チャレンジ](quiz/index.md)に参加しましょう。\n\n"
        "[薬物の種類](knowledge/drugs.md)と[お知らせ](posts/index.md)をご覧ください。\n",
    },
    "knowledge/drugs.md": {
        "zh": "---\ntitle: 毒品的种类\ndescription: 常见毒品及其危害\n---\n\n"
        "毒品包括鸦片、海洛因、冰毒、摇头丸、氯胺酮等。新精神活性物质伪装成饮料或零食，"
        "青少年尤其要提高警惕。\n\n## 危害\n\n吸毒损害大脑和心脏，容易成瘾。\n\n"
        "## 来源\n\n- 《中华人民共和国禁毒法》\n",
        "en": "---\ntitle: Kinds of drugs\ndescription: Common drugs and their harm\n---\n\n"
        "Drugs include opium, heroin, methamphetamine, ecstasy and ketamine. New psychoactive "
        "substances are disguised as drinks or snacks.\n\n## Harm\n\nDrug use damages the brain "
        "and the heart and is addictive.\n\n## Sources\n\n- Anti-Drug Law of the PRC\n",
        "ko": "---\ntitle: 마약의 종류\ndescription: 흔한 마약과 그 위험\n---\n\n"
        "마약에는 아편, 헤로인, 필로폰, 엑스터시, 케타민 등이 있습니다. 신종 향정신성 물질은 "
        "음료나 간식으로 위장되어 청소년이 특히 조심해야 합니다.\n\n## 위험\n\n"
        "마약은 뇌와 심장을 손상시키고 중독을 일으킵니다.\n\n## 출처\n\n- 중화인민공화국 마약금지법\n",
        "ja": "---\ntitle: 薬物の種類\ndescription: よくある薬物とその害\n---\n\n"
        "薬物にはアヘン、ヘロイン、覚醒剤、MDMA、ケタミンなどがあります。危険ドラッグは飲み物や"
        "お菓子に偽装されることがあり、若者は特に注意が必要です。\n\n## 害\n\n"
        "薬物の使用は脳と心臓を傷つけ、依存を引き起こします。\n\n## 出典\n\n- 中華人民共和国禁毒法\n",
    },
    "knowledge/law.md": {
        "zh": "---\ntitle: 禁毒法律\ndescription: 禁毒法要点\n---\n\n"
        "《中华人民共和国禁毒法》自2008年6月1日起施行。\n\n## 来源\n\n- 禁毒法第七十一条\n",
    },
    "campaigns/calendar.md": {
        "zh": "---\ntitle: 活动日历\ndescription: 全年禁毒宣传活动\n---\n\n6月26日是国际禁毒日。\n",
        "en": "---\ntitle: Campaign calendar\ndescription: Campaigns of the year\n---\n\n"
        "26 June is the International Day against Drug Abuse.\n",
        "ko": "---\ntitle: 캠페인 일정\ndescription: 연간 캠페인\n---\n\n"
        "6월 26일은 세계 마약퇴치의 날입니다.\n",
        "ja": "---\ntitle: キャンペーン日程\ndescription: 年間キャンペーン\n---\n\n"
        "6月26日は国際麻薬乱用撲滅デーです。\n",
    },
    "challenge/about.md": {
        "zh": "---\ntitle: 竞答规则\ndescription: 禁毒知识竞答规则\n---\n\n每人每天可答题三次。\n",
        "en": "---\ntitle: Challenge rules\ndescription: Rules\n---\n\n"
        "Everyone may answer three times a day.\n",
        "ko": "---\ntitle: 챌린지 규칙\ndescription: 규칙\n---\n\n하루에 세 번까지 참여할 수 있습니다.\n",
        "ja": "---\ntitle: チャレンジのルール\ndescription: ルール\n---\n\n1日3回まで回答できます。\n",
    },
    "challenge/privacy.md": {
        "zh": "---\ntitle: 隐私说明\ndescription: 个人信息保护\n---\n\n我们只保存答题所需的信息。\n",
        "en": "---\ntitle: Privacy notice\ndescription: Privacy\n---\n\n"
        "We keep only what the challenge needs.\n",
        "ko": "---\ntitle: 개인정보 처리 안내\ndescription: 개인정보\n---\n\n"
        "챌린지에 필요한 정보만 보관합니다.\n",
        "ja": "---\ntitle: プライバシー\ndescription: 個人情報\n---\n\n"
        "チャレンジに必要な情報だけを保存します。\n",
    },
}

SAMPLE_POSTS: dict[str, dict[str, tuple[str, str, list[str], str]]] = {
    "posts/2026-06-26-international-day.md": {
        "zh": (
            "国际禁毒日主题活动",
            "全市开展国际禁毒日宣传活动。",
            ["禁毒日", "活动"],
            "6月26日，全市学校和社区开展禁毒宣传活动，市民了解毒品危害。" * 30,
        ),
        "en": (
            "International Day against Drug Abuse",
            "Events across the city on 26 June.",
            ["june-26", "events"],
            "On 26 June schools and communities across the city held drug prevention events. " * 20,
        ),
        "ko": (
            "세계 마약퇴치의 날 행사",
            "6월 26일 시 전역에서 행사가 열렸습니다.",
            ["마약퇴치의날", "행사"],
            "6월 26일 시 전역의 학교와 지역사회에서 마약 예방 행사가 열렸습니다. " * 20,
        ),
        "ja": (
            "国際麻薬乱用撲滅デーの催し",
            "6月26日に市内各地で催しが開かれました。",
            ["撲滅デー", "催し"],
            "6月26日、市内の学校や地域で薬物乱用防止の催しが開かれました。" * 20,
        ),
    },
    "posts/2026-05-10-school-week.md": {
        "zh": (
            "校园禁毒宣传周",
            "九十三所学校参加禁毒宣传周。",
            ["校园"],
            "校园禁毒宣传周期间，学生们学习了如何拒绝毒品。[竞答](../quiz/index.md)\n",
        ),
    },
}

CAMPAIGN = """id: challenge-2026
name: {zh: 2026年禁毒知识竞答, en: 2026 Drug Prevention Knowledge Challenge, ko: 2026 마약 예방 지식 챌린지, ja: 2026年薬物乱用防止知識チャレンジ}
description: {zh: 全市中小学生和成年人都可参加。, en: Open to all adults and school students of the city., ko: 시의 모든 성인과 학생이 참여할 수 있습니다., ja: 市内のすべての大人と児童生徒が参加できます。}
timezone: Asia/Shanghai
starts_at: 2026-06-01T00:00:00+08:00
ends_at: 2026-06-30T23:59:59+08:00
tracks:
  adult:
    time_limit_seconds: 600
    pass_mark: 60
    attempts_per_day: 3
    attempts_total: 10
    draw:
      - {category: drugs, difficulty: easy, count: 5}
"""


def post_text(
    title: str, date: str, summary: str, tags: list[str], body: str, cover: str | None = None
) -> str:
    tag_list = ", ".join(tags)
    cover_line = f"cover: {cover}\n" if cover else ""
    return (
        f"---\ntitle: {title}\ndate: {date}\nsummary: {summary}\ntags: [{tag_list}]\n"
        f"{cover_line}---\n\n{body}\n"
    )


# The daily question's file: the site only asks whether content/daily/ exists (the page and
# the home block); the API reads the rest (docs/content-format.md).
DAILY = """start: "2026-01-01"
timezone: Asia/Shanghai
"""


def write_sample(dest: Path, campaigns: bool = True, daily: bool = True) -> Path:
    """A small four-language content tree with pages, posts, a campaign and a daily
    question."""
    for rel, langs in SAMPLE_PAGES.items():
        for lang, text in langs.items():
            path = dest / lang / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
    # a cover image (in Chinese only: the other languages borrow it like a page)
    from PIL import Image

    cover = dest / "zh" / "posts" / "images" / "june26.png"
    cover.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 32), (0, 105, 92)).save(cover)
    for rel, posts in SAMPLE_POSTS.items():
        date = rel.split("/")[-1][:10]
        for lang, (title, summary, tags, body) in posts.items():
            path = dest / lang / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            image = "images/june26.png" if "international-day" in rel else None
            path.write_text(post_text(title, date, summary, tags, body, image), "utf-8")
    if campaigns:
        (dest / "campaigns").mkdir(parents=True, exist_ok=True)
        (dest / "campaigns" / "challenge-2026.yaml").write_text(CAMPAIGN, "utf-8")
    if daily:
        (dest / "daily").mkdir(parents=True, exist_ok=True)
        (dest / "daily" / "daily.yaml").write_text(DAILY, "utf-8")
    return dest


GEN_BODY = {
    "zh": "禁毒宣传活动走进学校和社区，志愿者向居民讲解毒品危害和禁毒法律知识。",
    "en": "Volunteers visited schools and communities to explain the harm of drugs and the law. ",
    "ko": "자원봉사자들이 학교와 지역사회를 찾아 마약의 위험과 법률을 설명했습니다. ",
    "ja": "ボランティアが学校や地域を訪れ、薬物の害と法律について説明しました。",
}
GEN_TAGS = {
    "zh": ["校园", "社区", "活动", "法律"],
    "en": ["schools", "communities", "events", "law"],
    "ko": ["학교", "지역사회", "행사", "법률"],
    "ja": ["学校", "地域", "催し", "法律"],
}


def _has_content(root: Path) -> bool:
    return any((root / lang).is_dir() and any((root / lang).rglob("*.md")) for lang in LANGS)


def generate(dest: Path, posts: int, base: Path | None = None) -> Path:
    """Copy base content (or the sample) into dest and add `posts` posts per language."""
    base = base if base is not None else REPO_ROOT / "content"
    if dest.exists():
        shutil.rmtree(dest)
    if _has_content(base):
        shutil.copytree(base, dest, ignore=shutil.ignore_patterns("quiz", "survey", ".*"))
    else:
        write_sample(dest)
    start = dt.date(2020, 1, 1)
    for lang in LANGS:
        folder = dest / lang / "posts"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(posts):
            date = start + dt.timedelta(days=i)
            tags = [GEN_TAGS[lang][i % 4], GEN_TAGS[lang][(i // 4) % 4]]
            body = (f"## {i}\n\n" + GEN_BODY[lang] * 12 + "\n\n") * 3
            (folder / f"{date.isoformat()}-generated-{i:04d}.md").write_text(
                post_text(
                    f"{GEN_BODY[lang][:12]} {i}",
                    date.isoformat(),
                    GEN_BODY[lang][:40],
                    sorted(set(tags)),
                    body,
                ),
                "utf-8",
            )
    return dest


def bench(sizes: list[int], base: Path, runs: int = 1) -> list[tuple[int, float]]:
    """Time full builds (four languages) of corpora of each size; print a Markdown table."""
    import gzip

    from site_builder.budgets import check
    from site_builder.build import build

    results: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory(prefix="sb-bench-") as tmp:
        root = Path(tmp)
        print(
            "| posts per language | pages (4 languages) | build time (s) | site size (MB) "
            "| largest HTML (KB) | zh search index (KB gz) | largest page transfer (KB gz) |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            content = generate(root / f"content-{size}", size, base)
            best = float("inf")
            for _ in range(runs):
                start = time.perf_counter()
                build(content, root / "site")
                best = min(best, time.perf_counter() - start)
            site = root / "site"
            pages = sum(1 for _ in site.rglob("index.html"))
            mb = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6
            index = len(gzip.compress((site / "search" / "search_index.json").read_bytes()))
            report = check(site)
            html = max(r.html for r in report) / 1024
            total = max(r.total for r in report) / 1024
            print(
                f"| {size} | {pages} | {best:.1f} | {mb:.1f} | {html:.0f} | {index / 1024:.0f} "
                f"| {total:.0f} |",
                flush=True,
            )
            results.append((size, best))
    return results
