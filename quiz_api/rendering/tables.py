"""Figures as files a staff member opens in a spreadsheet: CSV (UTF-8 with a BOM, so that
Excel shows Chinese) or XLSX (a sheet a table), with column headers and sheet names in the
reader's language. Used by the API's downloads and by the commands that write files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS: dict[str, dict[str, str]] = {
    "section": {"zh": "层级", "en": "level", "ko": "단위", "ja": "単位"},
    "district": {"zh": "区", "en": "district", "ko": "구", "ja": "区"},
    "school_code": {"zh": "学校代码", "en": "school code", "ko": "학교 코드", "ja": "学校コード"},
    "school_name": {"zh": "学校名称", "en": "school", "ko": "학교", "ja": "学校名"},
    "grade": {"zh": "年级", "en": "grade", "ko": "학년", "ja": "学年"},
    "class_name": {"zh": "班级", "en": "class", "ko": "반", "ja": "クラス"},
    "enrolled": {"zh": "在籍人数", "en": "enrolled", "ko": "재적 인원", "ja": "在籍者数"},
    "registered": {"zh": "注册人数", "en": "registered", "ko": "등록 인원", "ja": "登録者数"},
    "registration_rate": {
        "zh": "注册率",
        "en": "registration rate",
        "ko": "등록률",
        "ja": "登録率",
    },
    "completed": {"zh": "完成人数", "en": "completed", "ko": "완료 인원", "ja": "完了者数"},
    "completion_rate": {"zh": "完成率", "en": "completion rate", "ko": "완료율", "ja": "完了率"},
    "attempts": {"zh": "答题次数", "en": "attempts", "ko": "응시 횟수", "ja": "受験回数"},
    "average_score": {"zh": "平均分", "en": "average score", "ko": "평균 점수", "ja": "平均点"},
    "pass_rate": {"zh": "及格率", "en": "pass rate", "ko": "합격률", "ja": "合格率"},
    "below_target": {"zh": "低于目标", "en": "below target", "ko": "목표 미달", "ja": "目標未達"},
    "over_enrolled": {
        "zh": "超过在籍人数",
        "en": "above 100 %",
        "ko": "100 % 초과",
        "ja": "100 %超",
    },
    "day": {"zh": "日期", "en": "day", "ko": "날짜", "ja": "日付"},
    "registered_total": {
        "zh": "累计注册",
        "en": "registered so far",
        "ko": "누적 등록",
        "ja": "累計登録",
    },
    "passed": {"zh": "及格次数", "en": "passed", "ko": "합격 횟수", "ja": "合格回数"},
    "question": {"zh": "题目", "en": "question", "ko": "문항", "ja": "設問"},
    "group": {"zh": "分组", "en": "group", "ko": "그룹", "ja": "グループ"},
    "n": {"zh": "回答数", "en": "answers", "ko": "응답 수", "ja": "回答数"},
    "satisfaction_rate": {
        "zh": "满意率",
        "en": "satisfaction rate",
        "ko": "만족률",
        "ja": "満足率",
    },
    "ci_low": {
        "zh": "95%区间下限",
        "en": "95 % CI low",
        "ko": "95 % 신뢰구간 하한",
        "ja": "95%区間下限",
    },
    "ci_high": {
        "zh": "95%区间上限",
        "en": "95 % CI high",
        "ko": "95 % 신뢰구간 상한",
        "ja": "95%区間上限",
    },
    "answer_1": {"zh": "1分", "en": "1", "ko": "1점", "ja": "1点"},
    "answer_2": {"zh": "2分", "en": "2", "ko": "2점", "ja": "2点"},
    "answer_3": {"zh": "3分", "en": "3", "ko": "3점", "ja": "3点"},
    "answer_4": {"zh": "4分", "en": "4", "ko": "4점", "ja": "4点"},
    "answer_5": {"zh": "5分", "en": "5", "ko": "5점", "ja": "5点"},
    "comment": {"zh": "意见", "en": "comment", "ko": "의견", "ja": "意見"},
    "track": {"zh": "组别", "en": "track", "ko": "부문", "ja": "部門"},
    "question_id": {"zh": "题号", "en": "question id", "ko": "문항 ID", "ja": "設問ID"},
    "version": {"zh": "版本", "en": "version", "ko": "버전", "ja": "版"},
    "category": {"zh": "类别", "en": "category", "ko": "분류", "ja": "分類"},
    "difficulty": {"zh": "难度", "en": "difficulty", "ko": "난이도", "ja": "難易度"},
    "facility": {"zh": "正确率", "en": "facility", "ko": "정답률", "ja": "正答率"},
    "discrimination": {
        "zh": "区分度",
        "en": "discrimination index",
        "ko": "변별도",
        "ja": "識別指数",
    },
    "efficiency": {
        "zh": "区分效率",
        "en": "discriminative efficiency",
        "ko": "변별 효율",
        "ja": "識別効率",
    },
    "option_shares": {
        "zh": "各选项比例",
        "en": "option shares",
        "ko": "선택지 비율",
        "ja": "選択肢の割合",
    },
    "flags": {"zh": "提示", "en": "flags", "ko": "경고", "ja": "注意"},
    "participants": {"zh": "人数", "en": "participants", "ko": "참가자 수", "ja": "参加者数"},
    "mean": {"zh": "平均分", "en": "mean", "ko": "평균", "ja": "平均"},
    "sd": {"zh": "标准差", "en": "standard deviation", "ko": "표준편차", "ja": "標準偏差"},
    "alpha": {
        "zh": "克隆巴赫α",
        "en": "Cronbach's alpha",
        "ko": "크론바흐 알파",
        "ja": "クロンバックα",
    },
    "alpha_se": {"zh": "测量标准误", "en": "standard error", "ko": "표준오차", "ja": "標準誤差"},
    # The daily question's report (a participant answers once a day: answers are people).
    "answers": {"zh": "作答人数", "en": "answers", "ko": "응답 수", "ja": "回答数"},
    "correct_share": {"zh": "正确率", "en": "correct share", "ko": "정답 비율", "ja": "正答率"},
    "adult_answers": {
        "zh": "成人作答人数",
        "en": "adult answers",
        "ko": "성인 응답 수",
        "ja": "成人の回答数",
    },
    "adult_correct_share": {
        "zh": "成人正确率",
        "en": "adult correct share",
        "ko": "성인 정답 비율",
        "ja": "成人の正答率",
    },
    "primary_answers": {
        "zh": "小学生作答人数",
        "en": "primary answers",
        "ko": "초등학생 응답 수",
        "ja": "小学生の回答数",
    },
    "primary_correct_share": {
        "zh": "小学生正确率",
        "en": "primary correct share",
        "ko": "초등학생 정답 비율",
        "ja": "小学生の正答率",
    },
    "secondary_answers": {
        "zh": "中学生作答人数",
        "en": "secondary answers",
        "ko": "중고등학생 응답 수",
        "ja": "中高生の回答数",
    },
    "secondary_correct_share": {
        "zh": "中学生正确率",
        "en": "secondary correct share",
        "ko": "중고등학생 정답 비율",
        "ja": "中高生の正答率",
    },
}
SHEETS = {
    "units": {"zh": "数据", "en": "figures", "ko": "수치", "ja": "数値"},
    "daily": {"zh": "每日", "en": "daily", "ko": "일별", "ja": "日別"},
    "questions": {"zh": "题目", "en": "questions", "ko": "문항", "ja": "設問"},
    "papers": {"zh": "试卷", "en": "papers", "ko": "시험지", "ja": "試験"},
    "districts": {"zh": "各区", "en": "districts", "ko": "구별", "ja": "区別"},
}
# Cell texts: a hidden small group ("fewer than 10") and a period's total row.
FEWER_THAN = {"zh": "少于{n}人", "en": "fewer than {n}", "ko": "{n}명 미만", "ja": "{n}人未満"}
TOTAL = {"zh": "合计", "en": "total", "ko": "합계", "ja": "合計"}


def fewer_than(n: int, lang: str) -> str:
    return FEWER_THAN.get(lang, FEWER_THAN["en"]).format(n=n)


def total_label(lang: str) -> str:
    return TOTAL.get(lang, TOTAL["en"])


def header(column: str, lang: str) -> str:
    return HEADERS.get(column, {}).get(lang, column)


Table = tuple[Sequence[str], Sequence[Sequence[Any]]]


def to_csv(tables: Sequence[Table], lang: str) -> bytes:
    """The tables one after the other, separated by a blank line; UTF-8 with a BOM so that
    Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, (columns, rows) in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([header(c, lang) for c in columns])
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[tuple[str, Table]], lang: str) -> bytes:
    workbook = Workbook()
    first = True
    for sheet_key, (columns, rows) in tables:
        title = SHEETS.get(sheet_key, {}).get(lang, sheet_key)
        if first:
            sheet = workbook.active
            assert sheet is not None
            sheet.title = title
            first = False
        else:
            sheet = workbook.create_sheet(title)
        sheet.append([header(c, lang) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
