"""Interface strings of the exhibition page and viewer, in zh, en, ko and ja.

Keys starting with "js_" are handed to exhibition.js. Values may hold %(name)s fields.
"""

from __future__ import annotations

from typing import Any

LABELS: dict[str, dict[str, str]] = {
    "source": {
        "zh": "资料来源：%(source)s",
        "en": "Source: %(source)s",
        "ko": "출처: %(source)s",
        "ja": "出典：%(source)s",
    },
    "noscript": {
        "zh": "360°展厅需要JavaScript；下面的文字版包含展览的全部内容。",
        "en": "The 360° hall needs JavaScript; the text version below has the whole exhibition.",
        "ko": "360° 전시관은 JavaScript가 필요합니다. 아래 텍스트 버전에 전시 내용이 모두 있습니다.",
        "ja": "360°展示館にはJavaScriptが必要です。下のテキスト版に展示の全内容があります。",
    },
    "text_heading": {
        "zh": "文字版：全部%(total)d个展区",
        "en": "Text version: all %(total)d sections",
        "ko": "텍스트 버전: 전시 구역 %(total)d곳 전체",
        "ja": "テキスト版：全%(total)d展示エリア",
    },
    "text_intro": {
        "zh": "360°展厅里的每一块展板都在这里，可以用读屏软件阅读，也可以在不支持3D的手机上浏览。",
        "en": "Every board of the 360° hall is here, for screen readers and for phones that cannot show 3D.",
        "ko": "360° 전시관의 모든 전시판이 여기에 있습니다. 화면 낭독기로 읽거나 3D를 표시하지 못하는 휴대폰에서 볼 수 있습니다.",
        "ja": "360°展示館のすべての展示パネルをここに載せています。スクリーンリーダーや3D表示ができないスマートフォンでもご覧いただけます。",
    },
    "toc": {"zh": "展区目录", "en": "Sections", "ko": "전시 구역 목록", "ja": "展示エリア一覧"},
    "room_number": {
        "zh": "第%(n)d展区（共%(total)d个）",
        "en": "Section %(n)d of %(total)d",
        "ko": "%(total)d곳 중 %(n)d번째 구역",
        "ja": "全%(total)dエリア中の第%(n)dエリア",
    },
    "poster_heading": {
        "zh": "展厅海报",
        "en": "Exhibition poster",
        "ko": "전시관 포스터",
        "ja": "展示館ポスター",
    },
    "poster_text": {
        "zh": "打印海报张贴在学校、社区或单位：扫码即可进入VR展厅。",
        "en": "Print the poster for a school, a neighbourhood or a workplace: scanning its code opens the VR hall.",
        "ko": "포스터를 인쇄해 학교, 지역사회, 직장에 붙이세요. 코드를 스캔하면 VR 전시관이 열립니다.",
        "ja": "ポスターを印刷して学校・地域・職場に掲示してください。コードを読み取るとVR展示館が開きます。",
    },
    "poster_download": {
        "zh": "下载A4海报（PNG，300 dpi）",
        "en": "Download the A4 poster (PNG, 300 dpi)",
        "ko": "A4 포스터 내려받기 (PNG, 300 dpi)",
        "ja": "A4ポスターをダウンロード（PNG、300 dpi）",
    },
    "poster_subtitle": {
        "zh": "%(total)d个展区，360°在线参观",
        "en": "%(total)d sections to visit in 360° on your phone",
        "ko": "휴대폰으로 360° 관람하는 전시 구역 %(total)d곳",
        "ja": "スマートフォンで360°見学できる%(total)dの展示エリア",
    },
    "poster_call": {
        "zh": "扫码走进VR展厅",
        "en": "Scan the code to walk into the VR hall",
        "ko": "코드를 스캔해 VR 전시관에 들어오세요",
        "ja": "コードを読み取ってVR展示館へ",
    },
    "qr_alt": {
        "zh": "%(url)s 的二维码",
        "en": "QR code of %(url)s",
        "ko": "%(url)s의 QR 코드",
        "ja": "%(url)s のQRコード",
    },
    "credit": {
        "zh": "360°浏览器：Pannellum %(version)s（MIT许可证）。",
        "en": "360° viewer: Pannellum %(version)s (MIT licence).",
        "ko": "360° 뷰어: Pannellum %(version)s (MIT 라이선스).",
        "ja": "360°ビューア：Pannellum %(version)s（MITライセンス）。",
    },
    "licence": {
        "zh": "许可证全文",
        "en": "Licence text",
        "ko": "라이선스 전문",
        "ja": "ライセンス全文",
    },
    "enter_hall": {
        "zh": "进入VR展厅",
        "en": "Enter the VR hall",
        "ko": "VR 전시관 입장",
        "ja": "VR展示館に入る",
    },
    "enter_room": {
        "zh": "在360°展厅中查看",
        "en": "Show this room in the 360° hall",
        "ko": "360° 전시관에서 보기",
        "ja": "360°展示館で見る",
    },
    "preview_alt": {
        "zh": "VR展厅第一个展区的预览：%(title)s",
        "en": "Preview of the VR hall's first room: %(title)s",
        "ko": "VR 전시관 첫 번째 구역 미리 보기: %(title)s",
        "ja": "VR展示館の最初のエリアのプレビュー：%(title)s",
    },
    # --- handed to exhibition.js
    "js_hall": {"zh": "360°展厅", "en": "360° hall", "ko": "360° 전시관", "ja": "360°展示館"},
    "js_view": {
        "zh": "360°全景：%(title)s。拖动或转动手机环顾四周，方向键也可以。",
        "en": "360° view: %(title)s. Drag, tilt the phone or use the arrow keys to look around.",
        "ko": "360° 보기: %(title)s. 끌거나 휴대폰을 기울이거나 방향키로 둘러보세요.",
        "ja": "360°ビュー：%(title)s。ドラッグ、スマートフォンの傾き、矢印キーで見回せます。",
    },
    "js_hint": {
        "zh": "拖动画面或转动手机环顾展厅；点圆形按钮阅读展板，点箭头走到下一个展区。",
        "en": "Drag the picture or tilt your phone to look around; tap a round button to read a board, an arrow to walk on.",
        "ko": "화면을 끌거나 휴대폰을 기울여 둘러보세요. 둥근 버튼을 누르면 전시판을, 화살표를 누르면 다음 구역을 봅니다.",
        "ja": "画面をドラッグするかスマートフォンを傾けて見回し、丸いボタンでパネルを読み、矢印で次のエリアへ進みます。",
    },
    "js_prev": {"zh": "上一个展区", "en": "Previous room", "ko": "이전 구역", "ja": "前のエリア"},
    "js_next": {"zh": "下一个展区", "en": "Next room", "ko": "다음 구역", "ja": "次のエリア"},
    "js_where": {
        "zh": "第%(n)d/%(total)d展区：%(title)s",
        "en": "Room %(n)d of %(total)d: %(title)s",
        "ko": "%(total)d곳 중 %(n)d번째 구역: %(title)s",
        "ja": "%(n)d / %(total)dエリア：%(title)s",
    },
    "js_boards": {
        "zh": "本展区的展板",
        "en": "Boards in this room",
        "ko": "이 구역의 전시판",
        "ja": "このエリアのパネル",
    },
    "js_read": {
        "zh": "阅读展板：%(title)s",
        "en": "Read board: %(title)s",
        "ko": "전시판 읽기: %(title)s",
        "ja": "パネルを読む：%(title)s",
    },
    "js_close": {"zh": "关闭", "en": "Close", "ko": "닫기", "ja": "閉じる"},
    "js_failed": {
        "zh": "这台设备无法显示360°展厅。展览的全部内容见下面的文字版。",
        "en": "This device cannot show the 360° hall. The whole exhibition is in the text version below.",
        "ko": "이 기기에서는 360° 전시관을 표시할 수 없습니다. 전시 내용은 아래 텍스트 버전에 모두 있습니다.",
        "ja": "この端末では360°展示館を表示できません。展示の全内容は下のテキスト版にあります。",
    },
    "js_loading": {"zh": "加载中……", "en": "Loading…", "ko": "불러오는 중…", "ja": "読み込み中…"},
}


def label(key: str, lang: str, **values: Any) -> str:
    text = LABELS[key].get(lang) or LABELS[key]["zh"]
    return text % values if values else text
