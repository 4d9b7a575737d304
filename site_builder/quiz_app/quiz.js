/* The knowledge challenge H5 app (docs/quiz-h5.md). Plain JS, no framework, no build step:
   it mounts into <div id="quiz-app" data-api data-lang> on the quiz page. Works in WeChat's
   browsers (Android Chromium, iOS WebKit). State that must survive a refresh or a dropped
   network (token, attempt, paper, answers, a pending submission) lives in localStorage. */
(function () {
  "use strict";

  // ------------------------------------------------------------------ strings
  // Every visible string, in the four languages. {name} is replaced by values.
  var STRINGS = {
    zh: {
      loading: "正在加载…",
      offline: "网络已断开。你的答案保存在本机，网络恢复后会自动提交。",
      resumed: "欢迎回来：已恢复你上次的答题进度。",
      wechat: "正在通过微信登录…",
      trackTitle: "选择赛道",
      adult: "成人赛道",
      adultDesc: "面向所有市民，用昵称参加。",
      student: "学生赛道",
      studentDesc: "面向中小学生，按学校、年级和班级登记。",
      nickname: "昵称",
      nicknameHint: "1–20个字，可以用化名，不需要真实姓名。",
      nicknameNeeded: "请填写昵称（1–20个字）。",
      continueAs: "以“{name}”的身份继续",
      changeTrack: "更换赛道或昵称",
      next: "下一步",
      back: "返回",
      studentTitle: "你的学校和班级",
      school: "学校",
      schoolHint: "输入学校名称中的几个字，然后从列表中选择。",
      searching: "正在查找…",
      noSchools: "没有找到学校。请检查名称，或询问老师。",
      schoolsUnavailable: "学校名单暂未开放，学生赛道暂时无法登记。请稍后再试，或先参加成人赛道。",
      schoolChosen: "已选择：{name}",
      linkChosen: "已根据学校的链接选好：{name}。请确认学校、年级和班级，不对可以修改。",
      linkClassUnknown: "已根据学校的链接选好：{name}。链接里的班级不在名单中，请选择你的年级和班级。",
      linkUnknown: "链接里的学校不在名单中，请输入学校名称查找。",
      grade: "年级",
      gradeN: "{n}年级",
      className: "班级",
      choose: "请选择…",
      pickSchool: "请从列表中选择你的学校。",
      pickClass: "请选择年级和班级。",
      rulesTitle: "答题须知",
      rule1: "每屏一道题；交卷前可以返回修改答案。",
      rule2: "开始后由服务器计时，刷新页面不会暂停计时，也不会换题。",
      rule3: "答案保存在本机；网络中断时，恢复后会自动提交。",
      rule4: "同一份答卷无论提交几次，只记一次成绩。",
      privacy: "我们只保存你的昵称；学生还保存学校、年级和班级。不会要求真实姓名、手机号或身份证号。",
      rulesLink: "完整规则",
      privacyLink: "隐私说明",
      agree: "我已阅读答题规则和隐私说明",
      agreeNeeded: "请先勾选同意。",
      start: "开始答题",
      questionN: "第{n}题，共{total}题",
      progress: "答题进度",
      timeLeft: "剩余时间",
      answered: "已答{n}/{total}题",
      single: "单选题：选择一个答案",
      multiple: "多选题：选择所有正确答案",
      true_false: "判断题：判断对错",
      prev: "上一题",
      nextQ: "下一题",
      submit: "交卷",
      unanswered: "还有{n}道题没有作答。确定交卷吗？",
      submitAnyway: "仍然交卷",
      keepAnswering: "继续答题",
      timeUp: "时间到，正在提交你的答案。",
      submitting: "正在提交答案…",
      retrying: "网络不稳定，正在重试（第{n}次）…",
      busy: "参加的人很多，{s}秒后自动重试，请不要关闭页面…",
      resultTitle: "你的成绩",
      score: "{score}分（满分{max}分）",
      correctCount: "答对{n}题，共{total}题",
      duration: "用时{time}",
      rank: "全市排名第{n}名",
      passed: "恭喜，你通过了挑战！",
      failed: "这次没有通过。看看解析，再试一次吧。",
      late: "超过截止时间才提交，本次成绩记为0分。",
      certificate: "你的证书",
      certHint: "长按图片即可保存或分享。",
      dailyTitle: "每日一问",
      dailyText: "每天一道禁毒知识题，答完马上看解析。挑战赛结束后也能继续学。",
      dailyLink: "去答今天的题",
      surveyTitle: "说说你的感受",
      surveyText: "一份简短的满意度调查，每人只需填一次，约一分钟。",
      surveyLink: "参加调查",
      surveyLater: "以后再说",
      surveyLeft: "还可以输入{n}个字",
      surveySend: "提交调查",
      surveySkip: "跳过调查",
      surveyEmpty: "请至少回答一个问题，或者跳过调查。",
      surveySending: "正在提交调查…",
      surveyThanks: "谢谢你的反馈！",
      surveyThanksText: "你的回答已经收到，它会帮助我们改进禁毒宣传。",
      surveyAlready: "你已经填过这份调查了。",
      surveyBack: "返回我的成绩",
      "e_survey-not-available": "完成一次答题后才能填写调查。",
      "e_no-survey": "目前没有进行中的调查。",
      review: "答题解析",
      yourAnswer: "你的答案",
      correctAnswer: "正确答案",
      noAnswer: "未作答",
      right: "答对",
      wrong: "答错",
      explanation: "解析",
      source: "依据",
      again: "再答一次",
      retry: "重试",
      minSec: "{m}分{s}秒",
      colon: "：",
      anonymous: "参赛者",
      e_generic: "出了点问题，请稍后重试。",
      "e_validation-error": "填写的内容不正确，请检查后重试。",
      "e_unknown-school": "名单中没有这所学校，请从列表中选择。",
      "e_unknown-class": "这所学校没有这个班级，请重新选择年级和班级。",
      "e_track-not-offered": "本次活动没有开设这个赛道。",
      "e_not-authenticated": "登录已失效，请重新开始。",
      "e_invalid-token": "登录已失效，请重新开始。",
      "e_attempt-limit-reached": "本次活动的答题次数已经用完。",
      "e_daily-attempt-limit-reached": "今天的答题次数已经用完，明天再来吧。",
      "e_not-found": "没有找到这次答题记录，请重新开始。",
      "e_unknown-campaign": "没有找到这个活动，请检查链接。",
      "e_campaign-not-started": "活动还没有开始。",
      "e_campaign-ended": "活动已经结束，感谢关注。",
      "e_no-open-campaign": "目前没有进行中的活动。",
      "e_already-submitted": "这份答卷已经提交过了。",
      "e_attempt-expired": "这次答题已超时作废，请重新开始。",
      "e_bank-incomplete": "题库暂时无法组卷，请稍后再试。",
      "e_rate-limited": "请求太频繁，请稍后再试。",
      "e_internal-error": "服务器出错了，请稍后再试。",
      "e_wechat-login-failed": "微信登录失败，将使用本机身份参加。",
    },
    en: {
      loading: "Loading…",
      offline: "You are offline. Your answers are kept on this phone and will be sent when the network returns.",
      resumed: "Welcome back: your quiz continues where you left it.",
      wechat: "Signing in with WeChat…",
      trackTitle: "Choose your track",
      adult: "Adult track",
      adultDesc: "For all residents: take part with a nickname.",
      student: "Student track",
      studentDesc: "For primary and secondary school students: register with school, grade and class.",
      nickname: "Nickname",
      nicknameHint: "1–20 characters; a pseudonym is fine. No real name is needed.",
      nicknameNeeded: "Please enter a nickname (1–20 characters).",
      continueAs: "Continue as “{name}”",
      changeTrack: "Change track or nickname",
      next: "Next",
      back: "Back",
      studentTitle: "Your school and class",
      school: "School",
      schoolHint: "Type part of your school's name, then pick it from the list.",
      searching: "Searching…",
      noSchools: "No school found. Check the name or ask your teacher.",
      schoolsUnavailable: "The school list is not open yet, so the student track cannot register for now. Please try again later, or take the adult track.",
      schoolChosen: "Chosen: {name}",
      linkChosen: "Your school's link chose {name}. Check the school, grade and class; you can change them.",
      linkClassUnknown: "Your school's link chose {name}, but its class is not on the list: please choose your grade and class.",
      linkUnknown: "The school in this link is not on the list. Type your school's name to find it.",
      grade: "Grade",
      gradeN: "Grade {n}",
      className: "Class",
      choose: "Choose…",
      pickSchool: "Please pick your school from the list.",
      pickClass: "Please choose your grade and class.",
      rulesTitle: "Before you start",
      rule1: "One question per screen; you can go back and change answers until you submit.",
      rule2: "The server keeps the time from the moment you start; a refresh neither stops the clock nor changes the questions.",
      rule3: "Your answers are kept on this phone; if the network drops, they are sent when it returns.",
      rule4: "The score counts once, however many times the answers are sent.",
      privacy: "We keep only your nickname and, for students, school, grade and class. No real name, phone number or ID number is asked for.",
      rulesLink: "Full rules",
      privacyLink: "Privacy notice",
      agree: "I have read the rules and the privacy notice",
      agreeNeeded: "Please tick the box first.",
      start: "Start the quiz",
      questionN: "Question {n} of {total}",
      progress: "Progress",
      timeLeft: "Time left",
      answered: "{n} of {total} answered",
      single: "Choose one answer",
      multiple: "Choose all the correct answers",
      true_false: "True or false?",
      prev: "Previous",
      nextQ: "Next",
      submit: "Submit",
      unanswered: "{n} questions are not answered yet. Submit anyway?",
      submitAnyway: "Submit anyway",
      keepAnswering: "Keep answering",
      timeUp: "Time is up: your answers are being submitted.",
      submitting: "Submitting your answers…",
      retrying: "The network is unstable: trying again (attempt {n})…",
      busy: "Many people are taking part right now: trying again in {s} s. Please keep this page open…",
      resultTitle: "Your result",
      score: "{score} points out of {max}",
      correctCount: "{n} of {total} correct",
      duration: "Time taken: {time}",
      rank: "City rank: {n}",
      passed: "Well done: you passed the challenge!",
      failed: "Not passed this time. Read the explanations and try again.",
      late: "Submitted after the deadline: this attempt scores 0.",
      certificate: "Your certificate",
      certHint: "Long-press the image to save or share it.",
      dailyTitle: "Daily question",
      dailyText: "One question on drugs and the law every day, with its explanation as soon as you answer: keep learning between challenges.",
      dailyLink: "Today's question",
      surveyTitle: "Tell us what you think",
      surveyText: "A short satisfaction survey, once per person: it takes about a minute.",
      surveyLink: "Take the survey",
      surveyLater: "Not now",
      surveyLeft: "{n} characters left",
      surveySend: "Send my answers",
      surveySkip: "Skip the survey",
      surveyEmpty: "Please answer at least one question, or skip the survey.",
      surveySending: "Sending your answers…",
      surveyThanks: "Thank you for your feedback!",
      surveyThanksText: "Your answers have arrived: they help us improve drug-prevention education.",
      surveyAlready: "You have already answered this survey.",
      surveyBack: "Back to my result",
      "e_survey-not-available": "The survey opens once you have finished a quiz.",
      "e_no-survey": "No survey is open at the moment.",
      review: "Review",
      yourAnswer: "Your answer",
      correctAnswer: "Correct answer",
      noAnswer: "No answer",
      right: "Right",
      wrong: "Wrong",
      explanation: "Explanation",
      source: "Source",
      again: "Try again",
      retry: "Retry",
      minSec: "{m} min {s} s",
      colon: ": ",
      anonymous: "Participant",
      e_generic: "Something went wrong. Please try again.",
      "e_validation-error": "Something you entered is not valid. Please check and try again.",
      "e_unknown-school": "That school is not on the list. Please pick it from the list.",
      "e_unknown-class": "That school has no such class. Please choose the grade and class again.",
      "e_track-not-offered": "This campaign does not offer that track.",
      "e_not-authenticated": "Your sign-in has expired. Please start again.",
      "e_invalid-token": "Your sign-in has expired. Please start again.",
      "e_attempt-limit-reached": "You have used all your attempts for this campaign.",
      "e_daily-attempt-limit-reached": "You have used all of today's attempts. Come back tomorrow.",
      "e_not-found": "This attempt was not found. Please start again.",
      "e_unknown-campaign": "This campaign does not exist. Please check the link.",
      "e_campaign-not-started": "The campaign has not started yet.",
      "e_campaign-ended": "The campaign has ended. Thank you for your interest.",
      "e_no-open-campaign": "No campaign is open at the moment.",
      "e_already-submitted": "These answers were already submitted.",
      "e_attempt-expired": "This attempt ran out of time and was closed. Please start again.",
      "e_bank-incomplete": "A paper cannot be drawn right now. Please try again later.",
      "e_rate-limited": "Too many requests. Please wait a moment.",
      "e_internal-error": "The server had a problem. Please try again later.",
      "e_wechat-login-failed": "WeChat sign-in failed: you take part with this device instead.",
    },
    ko: {
      loading: "불러오는 중…",
      offline: "오프라인 상태입니다. 답안은 이 휴대폰에 저장되며 네트워크가 돌아오면 전송됩니다.",
      resumed: "다시 오셨네요. 이전에 풀던 곳부터 이어서 풉니다.",
      wechat: "위챗으로 로그인하는 중…",
      trackTitle: "부문 선택",
      adult: "성인부",
      adultDesc: "모든 시민 대상: 닉네임으로 참여합니다.",
      student: "학생부",
      studentDesc: "초·중·고 학생 대상: 학교, 학년, 반으로 등록합니다.",
      nickname: "닉네임",
      nicknameHint: "1–20자, 가명도 괜찮습니다. 실명은 필요 없습니다.",
      nicknameNeeded: "닉네임을 입력해 주세요(1–20자).",
      continueAs: "‘{name}’(으)로 계속하기",
      changeTrack: "부문 또는 닉네임 변경",
      next: "다음",
      back: "뒤로",
      studentTitle: "학교와 반",
      school: "학교",
      schoolHint: "학교 이름의 일부를 입력한 뒤 목록에서 고르세요.",
      searching: "찾는 중…",
      noSchools: "학교를 찾지 못했습니다. 이름을 확인하거나 선생님께 문의하세요.",
      schoolsUnavailable: "학교 목록이 아직 열리지 않아 학생부 등록을 할 수 없습니다. 나중에 다시 시도하거나 성인부에 참여하세요.",
      schoolChosen: "선택함: {name}",
      linkChosen: "학교 링크로 {name}이(가) 선택되었습니다. 학교, 학년, 반을 확인하고 필요하면 바꾸세요.",
      linkClassUnknown: "학교 링크로 {name}이(가) 선택되었지만 링크의 반이 목록에 없습니다. 학년과 반을 고르세요.",
      linkUnknown: "링크의 학교가 목록에 없습니다. 학교 이름을 입력해 찾아 주세요.",
      grade: "학년",
      gradeN: "{n}학년",
      className: "반",
      choose: "선택…",
      pickSchool: "목록에서 학교를 선택해 주세요.",
      pickClass: "학년과 반을 선택해 주세요.",
      rulesTitle: "시작하기 전에",
      rule1: "한 화면에 한 문제씩 나옵니다. 제출 전까지 돌아가서 답을 바꿀 수 있습니다.",
      rule2: "시작하는 순간부터 서버가 시간을 잽니다. 새로 고침해도 시간은 멈추지 않고 문제도 바뀌지 않습니다.",
      rule3: "답안은 이 휴대폰에 저장되며, 네트워크가 끊기면 복구된 뒤 전송됩니다.",
      rule4: "답안을 몇 번 보내도 점수는 한 번만 기록됩니다.",
      privacy: "닉네임만 저장하며, 학생은 학교·학년·반도 저장합니다. 실명, 전화번호, 신분증 번호는 묻지 않습니다.",
      rulesLink: "전체 규칙",
      privacyLink: "개인정보 안내",
      agree: "규칙과 개인정보 안내를 읽었습니다",
      agreeNeeded: "먼저 동의란에 체크해 주세요.",
      start: "퀴즈 시작",
      questionN: "{total}문항 중 {n}번",
      progress: "진행률",
      timeLeft: "남은 시간",
      answered: "{total}문항 중 {n}문항 답함",
      single: "정답 하나를 고르세요",
      multiple: "정답을 모두 고르세요",
      true_false: "맞으면 참, 틀리면 거짓",
      prev: "이전",
      nextQ: "다음",
      submit: "제출",
      unanswered: "아직 답하지 않은 문항이 {n}개 있습니다. 그래도 제출할까요?",
      submitAnyway: "그래도 제출",
      keepAnswering: "계속 풀기",
      timeUp: "시간이 끝났습니다. 답안을 제출하는 중입니다.",
      submitting: "답안을 제출하는 중…",
      retrying: "네트워크가 불안정합니다. 다시 시도하는 중({n}번째)…",
      busy: "지금 참여하는 사람이 많습니다. {s}초 후에 자동으로 다시 시도합니다. 페이지를 닫지 마세요…",
      resultTitle: "내 결과",
      score: "{max}점 만점에 {score}점",
      correctCount: "{total}문항 중 {n}문항 정답",
      duration: "걸린 시간: {time}",
      rank: "시 전체 순위: {n}위",
      passed: "축하합니다. 챌린지를 통과했습니다!",
      failed: "이번에는 통과하지 못했습니다. 해설을 읽고 다시 도전해 보세요.",
      late: "마감 후에 제출되어 이번 점수는 0점입니다.",
      certificate: "수료증",
      certHint: "이미지를 길게 눌러 저장하거나 공유하세요.",
      dailyTitle: "하루 한 문제",
      dailyText: "매일 한 문제씩 마약과 법에 관한 문제를 풀고 바로 해설을 볼 수 있습니다. 챌린지가 끝난 뒤에도 계속 배워 보세요.",
      dailyLink: "오늘의 문제 풀기",
      surveyTitle: "의견을 들려주세요",
      surveyText: "1인 1회, 1분 정도 걸리는 짧은 만족도 조사입니다.",
      surveyLink: "설문 참여",
      surveyLater: "나중에",
      surveyLeft: "{n}자 더 입력할 수 있습니다",
      surveySend: "응답 보내기",
      surveySkip: "설문 건너뛰기",
      surveyEmpty: "질문에 하나 이상 답하거나 설문을 건너뛰세요.",
      surveySending: "응답을 보내는 중…",
      surveyThanks: "의견을 주셔서 감사합니다!",
      surveyThanksText: "응답이 접수되었습니다. 마약 예방 교육을 개선하는 데 활용하겠습니다.",
      surveyAlready: "이미 이 설문에 응답하셨습니다.",
      surveyBack: "내 결과로 돌아가기",
      "e_survey-not-available": "퀴즈를 마친 뒤에 설문에 참여할 수 있습니다.",
      "e_no-survey": "지금 진행 중인 설문이 없습니다.",
      review: "해설 보기",
      yourAnswer: "내 답",
      correctAnswer: "정답",
      noAnswer: "답하지 않음",
      right: "정답",
      wrong: "오답",
      explanation: "해설",
      source: "근거",
      again: "다시 도전",
      retry: "다시 시도",
      minSec: "{m}분 {s}초",
      colon: ": ",
      anonymous: "참가자",
      e_generic: "문제가 생겼습니다. 다시 시도해 주세요.",
      "e_validation-error": "입력한 내용이 올바르지 않습니다. 확인 후 다시 시도해 주세요.",
      "e_unknown-school": "목록에 없는 학교입니다. 목록에서 골라 주세요.",
      "e_unknown-class": "그 학교에는 해당 반이 없습니다. 학년과 반을 다시 고르세요.",
      "e_track-not-offered": "이번 행사에는 그 부문이 없습니다.",
      "e_not-authenticated": "로그인이 만료되었습니다. 처음부터 다시 시작해 주세요.",
      "e_invalid-token": "로그인이 만료되었습니다. 처음부터 다시 시작해 주세요.",
      "e_attempt-limit-reached": "이번 행사의 응시 횟수를 모두 사용했습니다.",
      "e_daily-attempt-limit-reached": "오늘의 응시 횟수를 모두 사용했습니다. 내일 다시 오세요.",
      "e_not-found": "이 응시 기록을 찾을 수 없습니다. 다시 시작해 주세요.",
      "e_unknown-campaign": "없는 행사입니다. 링크를 확인해 주세요.",
      "e_campaign-not-started": "행사가 아직 시작되지 않았습니다.",
      "e_campaign-ended": "행사가 끝났습니다. 관심 가져 주셔서 감사합니다.",
      "e_no-open-campaign": "지금 진행 중인 행사가 없습니다.",
      "e_already-submitted": "이 답안은 이미 제출되었습니다.",
      "e_attempt-expired": "시간이 지나 이번 응시는 종료되었습니다. 다시 시작해 주세요.",
      "e_bank-incomplete": "지금은 시험지를 만들 수 없습니다. 나중에 다시 시도해 주세요.",
      "e_rate-limited": "요청이 너무 많습니다. 잠시 기다려 주세요.",
      "e_internal-error": "서버에 문제가 생겼습니다. 나중에 다시 시도해 주세요.",
      "e_wechat-login-failed": "위챗 로그인에 실패하여 이 기기로 참여합니다.",
    },
    ja: {
      loading: "読み込み中…",
      offline: "オフラインです。解答はこのスマートフォンに保存され、回線が戻ると送信されます。",
      resumed: "おかえりなさい。前回の続きから解答できます。",
      wechat: "WeChatでログインしています…",
      trackTitle: "部門を選ぶ",
      adult: "一般の部",
      adultDesc: "すべての市民向け：ニックネームで参加します。",
      student: "生徒の部",
      studentDesc: "小中高校生向け：学校・学年・クラスで登録します。",
      nickname: "ニックネーム",
      nicknameHint: "1～20文字。仮名でかまいません。本名は不要です。",
      nicknameNeeded: "ニックネームを入力してください（1～20文字）。",
      continueAs: "「{name}」として続ける",
      changeTrack: "部門やニックネームを変える",
      next: "次へ",
      back: "戻る",
      studentTitle: "学校とクラス",
      school: "学校",
      schoolHint: "学校名の一部を入力し、一覧から選んでください。",
      searching: "検索中…",
      noSchools: "学校が見つかりません。名前を確認するか、先生に聞いてください。",
      schoolsUnavailable: "学校一覧がまだ公開されていないため、生徒の部の登録はできません。後でもう一度試すか、一般の部に参加してください。",
      schoolChosen: "選択済み：{name}",
      linkChosen: "学校のリンクから{name}が選択されました。学校・学年・クラスを確認し、違っていれば変更してください。",
      linkClassUnknown: "学校のリンクから{name}が選択されましたが、リンクのクラスが一覧にありません。学年とクラスを選んでください。",
      linkUnknown: "リンクの学校が一覧にありません。学校名を入力して探してください。",
      grade: "学年",
      gradeN: "{n}年",
      className: "クラス",
      choose: "選択してください…",
      pickSchool: "一覧から学校を選んでください。",
      pickClass: "学年とクラスを選んでください。",
      rulesTitle: "はじめる前に",
      rule1: "1画面に1問です。提出するまでは戻って解答を変えられます。",
      rule2: "開始した時点からサーバーが時間を計ります。再読み込みしても時間は止まらず、問題も変わりません。",
      rule3: "解答はこのスマートフォンに保存され、回線が切れても復旧後に送信されます。",
      rule4: "何度送信しても、成績は1回だけ記録されます。",
      privacy: "保存するのはニックネームと、生徒の場合は学校・学年・クラスだけです。本名・電話番号・身分証番号は求めません。",
      rulesLink: "ルール全文",
      privacyLink: "プライバシーについて",
      agree: "ルールとプライバシーについての説明を読みました",
      agreeNeeded: "先にチェックを入れてください。",
      start: "解答をはじめる",
      questionN: "全{total}問中 第{n}問",
      progress: "進み具合",
      timeLeft: "残り時間",
      answered: "{total}問中{n}問解答済み",
      single: "正しいものを1つ選んでください",
      multiple: "正しいものをすべて選んでください",
      true_false: "正しいか誤りかを選んでください",
      prev: "前へ",
      nextQ: "次へ",
      submit: "提出する",
      unanswered: "まだ{n}問が未解答です。このまま提出しますか？",
      submitAnyway: "このまま提出",
      keepAnswering: "解答を続ける",
      timeUp: "時間切れです。解答を提出しています。",
      submitting: "解答を提出しています…",
      retrying: "回線が不安定です。再試行しています（{n}回目）…",
      busy: "ただいま大変混み合っています。{s}秒後に自動で再試行します。ページを閉じないでください…",
      resultTitle: "あなたの結果",
      score: "{max}点満点中 {score}点",
      correctCount: "{total}問中 {n}問正解",
      duration: "所要時間：{time}",
      rank: "市内順位：{n}位",
      passed: "おめでとうございます。チャレンジに合格しました！",
      failed: "今回は不合格でした。解説を読んで、もう一度挑戦しましょう。",
      late: "締め切り後の提出のため、今回の得点は0点です。",
      certificate: "修了証",
      certHint: "画像を長押しすると保存・共有できます。",
      dailyTitle: "今日の一問",
      dailyText: "薬物と法律についての問題を毎日一問。答えるとすぐに解説が読めます。チャレンジの合間にも学びを続けましょう。",
      dailyLink: "今日の問題に答える",
      surveyTitle: "ご意見をお聞かせください",
      surveyText: "1人1回、1分ほどの短い満足度アンケートです。",
      surveyLink: "アンケートに答える",
      surveyLater: "あとで",
      surveyLeft: "あと{n}文字入力できます",
      surveySend: "回答を送信",
      surveySkip: "アンケートをスキップ",
      surveyEmpty: "少なくとも1問に回答するか、アンケートをスキップしてください。",
      surveySending: "回答を送信しています…",
      surveyThanks: "ご協力ありがとうございました！",
      surveyThanksText: "回答を受け付けました。薬物乱用防止の啓発の改善に役立てます。",
      surveyAlready: "このアンケートにはすでに回答済みです。",
      surveyBack: "成績に戻る",
      "e_survey-not-available": "クイズを終えるとアンケートに回答できます。",
      "e_no-survey": "現在実施中のアンケートはありません。",
      review: "解答と解説",
      yourAnswer: "あなたの解答",
      correctAnswer: "正解",
      noAnswer: "未解答",
      right: "正解",
      wrong: "不正解",
      explanation: "解説",
      source: "根拠",
      again: "もう一度挑戦",
      retry: "再試行",
      minSec: "{m}分{s}秒",
      colon: "：",
      anonymous: "参加者",
      e_generic: "問題が発生しました。もう一度お試しください。",
      "e_validation-error": "入力内容が正しくありません。確認してもう一度お試しください。",
      "e_unknown-school": "一覧にない学校です。一覧から選んでください。",
      "e_unknown-class": "その学校にそのクラスはありません。学年とクラスを選び直してください。",
      "e_track-not-offered": "このキャンペーンにその部門はありません。",
      "e_not-authenticated": "ログインの有効期限が切れました。最初からやり直してください。",
      "e_invalid-token": "ログインの有効期限が切れました。最初からやり直してください。",
      "e_attempt-limit-reached": "このキャンペーンの解答回数をすべて使いました。",
      "e_daily-attempt-limit-reached": "今日の解答回数をすべて使いました。また明日どうぞ。",
      "e_not-found": "この解答記録が見つかりません。最初からやり直してください。",
      "e_unknown-campaign": "このキャンペーンは存在しません。リンクを確認してください。",
      "e_campaign-not-started": "キャンペーンはまだ始まっていません。",
      "e_campaign-ended": "キャンペーンは終了しました。ご関心ありがとうございました。",
      "e_no-open-campaign": "現在開催中のキャンペーンはありません。",
      "e_already-submitted": "この解答はすでに提出されています。",
      "e_attempt-expired": "時間切れのため、この解答は終了しました。最初からやり直してください。",
      "e_bank-incomplete": "現在、問題を出題できません。後でもう一度お試しください。",
      "e_rate-limited": "リクエストが多すぎます。しばらくお待ちください。",
      "e_internal-error": "サーバーで問題が発生しました。後でもう一度お試しください。",
      "e_wechat-login-failed": "WeChatログインに失敗したため、この端末で参加します。",
    },
  };

  var app = SbApp.mount("quiz-app", STRINGS);
  if (!app) return;
  var root = app.root;
  var API = app.api;
  var LANG = app.lang;
  var T = STRINGS[LANG];
  var params = new URLSearchParams(location.search);
  var CAMPAIGN = params.get("campaign") || "";
  var IN_WECHAT = SbApp.inWechat;
  var DAILY = root.dataset.daily || ""; // the daily question's page in this language, if any
  var LETTERS_RE = /^[A-Z]$/;

  var t = SbApp.translator(STRINGS, LANG);
  var h = SbApp.h;
  var problemType = SbApp.problemType;

  // ------------------------------------------------------------------ storage
  // Private mode or a full storage: the quiz still works, only without resume.
  var saved = SbApp.storage(SbApp.quizKey(CAMPAIGN));
  var state = saved.read();

  function save() {
    saved.write(state);
  }
  function clearAttempt() {
    delete state.attempt;
    delete state.answers;
    delete state.index;
    delete state.pending;
    save();
  }

  var banner = h("div", { class: "qz-offline", role: "status", "aria-live": "polite", hidden: true });
  var notice = h("div", { class: "qz-notice", role: "status", "aria-live": "polite" });
  var view = h("div", { class: "qz-view" });
  root.textContent = "";
  root.appendChild(banner);
  root.appendChild(notice);
  root.appendChild(view);
  var timerId = 0;

  function screen(name, children, focus) {
    clearInterval(timerId);
    // The first screen after loading keeps the page's top in view; later ones take focus.
    var moved = ["loading", "wechat", null].indexOf(view.getAttribute("data-screen")) < 0;
    view.textContent = "";
    view.setAttribute("data-screen", name);
    root.setAttribute("data-screen", name);
    children.forEach(function (c) { if (c) view.appendChild(c); });
    var target = focus || view.querySelector("h2");
    if (target && moved) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      root.scrollIntoView({ block: "start" });
    }
  }

  function say(text, kind) {
    notice.textContent = text || "";
    notice.className = "qz-notice" + (kind ? " qz-notice--" + kind : "");
  }

  function setOffline(off) {
    banner.hidden = !off;
    banner.textContent = off ? t("offline") : "";
  }
  window.addEventListener("online", function () { setOffline(false); });
  window.addEventListener("offline", function () { setOffline(true); });
  if (navigator.onLine === false) setOffline(true);

  // ------------------------------------------------------------------ API
  // The participant's token unless another is given; never from the HTTP cache; a failed
  // request shows the offline banner (rejected with {network: true}), an answer hides it.
  function api(method, path, body, opts) {
    var token = (opts && opts.token) || state.token;
    return SbApp.api(API, method, path, body, { token: token, timeout: 20000, cache: "no-store" }).then(
      function (res) {
        setOffline(false);
        return res;
      },
      function (err) {
        setOffline(true);
        throw err;
      }
    );
  }

  function problemText(res) {
    var key = "e_" + problemType(res);
    return T[key] ? t(key) : t("e_generic");
  }

  function wait(ms) {
    return new Promise(function (resolve) {
      var done = function () {
        clearTimeout(id);
        window.removeEventListener("online", done);
        resolve();
      };
      var id = setTimeout(done, ms);
      window.addEventListener("online", done);
    });
  }

  // Retries on network failures and 5xx/429 with exponential backoff and jitter, never
  // sooner than the server's Retry-After; onRetry(text) gets what to tell the person.
  function persist(method, path, body, onRetry) {
    var n = 0;
    var delay = 1000;
    function go() {
      n++;
      return api(method, path, body).then(
        function (res) {
          if (res.status >= 500 || res.status === 429) return again(res);
          return res;
        },
        function (err) {
          if (err && err.network) return again(null);
          throw err;
        }
      );
    }
    function again(res) {
      var ms = Math.max(delay, (res ? res.retryAfter : 0) * 1000) + Math.random() * 500;
      delay = Math.min(delay * 2, 30000);
      if (onRetry) {
        var busy = res && res.status === 503 && problemType(res) === "server-busy";
        onRetry(busy ? t("busy", { s: Math.round(ms / 1000) }) : t("retrying", { n: n }));
      }
      return wait(ms).then(go);
    }
    return go();
  }

  // The server's admission control answers 503 server-busy before doing anything when too
  // many people arrive at once: send the same request again after its Retry-After (with a
  // little jitter, so that the phones do not come back together), saying why we wait.
  var BUSY_TRIES = 10;
  function admitted(send) {
    var n = 0;
    function go() {
      return send().then(function (res) {
        if (res.status !== 503 || problemType(res) !== "server-busy" || ++n >= BUSY_TRIES) return res;
        var seconds = res.retryAfter || 2;
        say(t("busy", { s: seconds }), "info");
        return wait(seconds * 1000 + Math.random() * 1000).then(go);
      });
    }
    return go();
  }

  function errorScreen(message, retry) {
    screen("error", [
      h("h2", { text: t("e_generic") }),
      h("p", { class: "qz-error", role: "alert", text: message }),
      h("button", { class: "qz-btn qz-btn--primary", type: "button", onclick: retry, text: t("retry") }),
    ]);
  }

  // ------------------------------------------------------------------ track
  function trackScreen() {
    say("");
    if (state.token && state.participant) {
      var p = state.participant;
      return screen("track", [
        h("h2", { text: t("trackTitle") }),
        h("p", { class: "qz-lead", text: t(p.track) + " · " + (p.nickname || t("anonymous")) }),
        h("button", { class: "qz-btn qz-btn--primary", type: "button", onclick: rulesScreen,
          text: t("continueAs", { name: p.nickname || t("anonymous") }) }),
        // A WeChat user is their openid: one participant, whatever they would pick again.
        state.wechat ? null : h("button", { class: "qz-btn qz-btn--link", type: "button", onclick: function () {
          delete state.token;
          delete state.participant;
          clearAttempt();
          forgetSurvey();
          trackScreen();
        }, text: t("changeTrack") }),
      ]);
    }
    var draft = state.draft || (state.draft = { track: "adult", nickname: "" });
    var nickname = h("input", { id: "qz-nickname", type: "text", maxlength: "20", autocomplete: "nickname",
      value: draft.nickname || "", "aria-describedby": "qz-nickname-hint" });
    var error = h("p", { class: "qz-error", role: "alert" });
    function option(track) {
      return h("label", { class: "qz-choice qz-track" },
        h("input", { type: "radio", name: "qz-track", value: track, checked: draft.track === track }),
        h("span", { class: "qz-choice__text" },
          h("strong", { text: t(track) }), h("span", { class: "qz-small", text: t(track + "Desc") })));
    }
    var form = h("form", { class: "qz-form", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      var checked = form.querySelector("input[name=qz-track]:checked");
      draft.track = checked ? checked.value : "adult";
      draft.nickname = nickname.value.trim();
      save();
      if (draft.track === "student" && !draft.nickname) {
        error.textContent = t("nicknameNeeded");
        nickname.focus();
        return;
      }
      if (draft.track === "student") studentScreen();
      else rulesScreen();
    } },
      h("fieldset", { class: "qz-fieldset" }, h("legend", { class: "qz-visually-hidden", text: t("trackTitle") }), option("adult"), option("student")),
      h("label", { for: "qz-nickname", class: "qz-label", text: t("nickname") }),
      nickname,
      h("p", { id: "qz-nickname-hint", class: "qz-small", text: t("nicknameHint") }),
      error,
      h("button", { class: "qz-btn qz-btn--primary", type: "submit", text: t("next") }));
    screen("track", [h("h2", { text: t("trackTitle") }), form]);
  }

  // ------------------------------------------------------------------ student
  function listOf(data, key) {
    if (Array.isArray(data)) return data;
    if (data && Array.isArray(data[key])) return data[key];
    if (data && Array.isArray(data.items)) return data.items;
    return [];
  }

  function studentScreen() {
    var draft = state.draft;
    var error = h("p", { class: "qz-error", role: "alert" });
    var status = h("p", { class: "qz-small", role: "status", "aria-live": "polite" });
    // Matches are a plain list of buttons (a listbox of buttons would nest interactive roles).
    var list = h("ul", { class: "qz-schools", id: "qz-school-list", "aria-label": t("school") });
    var input = h("input", { id: "qz-school", type: "search", autocomplete: "off",
      "aria-controls": "qz-school-list", "aria-describedby": "qz-school-hint",
      value: draft.school ? draft.school.name : "" });
    var grade = h("select", { id: "qz-grade" });
    var klass = h("select", { id: "qz-class" });
    // A school whose roster lists no classes takes any class name: typed, then.
    var klassText = h("input", { id: "qz-class-text", type: "text", maxlength: "32", hidden: true,
      "aria-label": t("className"), value: draft.class_name || "" });
    var classBox = h("div", { class: "qz-classes", hidden: !draft.school });
    var classes = [];
    var seq = 0;
    var debounce = 0;

    function fillGrades() {
      var grades = classes.length
        ? classes.map(function (c) { return c.grade; }).filter(function (g, i, all) { return all.indexOf(g) === i; })
        : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
      grades.sort(function (a, b) { return a - b; });
      grade.textContent = "";
      grade.appendChild(h("option", { value: "", text: t("choose") }));
      grades.forEach(function (g) {
        grade.appendChild(h("option", { value: String(g), selected: draft.grade === g, text: t("gradeN", { n: g }) }));
      });
      fillClasses();
    }
    function fillClasses() {
      var g = Number(grade.value);
      klass.hidden = !classes.length;
      klassText.hidden = !!classes.length;
      klass.textContent = "";
      klass.appendChild(h("option", { value: "", text: t("choose") }));
      classes.filter(function (c) { return c.grade === g; }).forEach(function (c) {
        klass.appendChild(h("option", { value: c.class_name, selected: draft.class_name === c.class_name, text: c.class_name }));
      });
    }
    grade.addEventListener("change", function () { draft.grade = Number(grade.value) || null; save(); fillClasses(); });
    klass.addEventListener("change", function () { draft.class_name = klass.value || null; save(); });

    function unavailable() {
      error.textContent = t("schoolsUnavailable");
      input.disabled = true;
      classBox.hidden = true;
      list.textContent = "";
    }

    function loadClasses(school) {
      classBox.hidden = false;
      return api("GET", "/schools/" + encodeURIComponent(school.code) + "/classes").then(function (res) {
        if (res.status === 404 && problemType(res) !== "unknown-school") return unavailable();
        classes = [];
        // {grades: [{grade, classes: [name]}]}; a flat [{grade, class_name}] list works too.
        if (res.ok && res.data && Array.isArray(res.data.grades)) {
          res.data.grades.forEach(function (g) {
            (g.classes || []).forEach(function (name) { classes.push({ grade: Number(g.grade), class_name: String(name) }); });
          });
        } else if (res.ok) {
          classes = listOf(res.data, "classes").filter(function (c) { return c && c.class_name; });
          classes.forEach(function (c) { c.grade = Number(c.grade); });
        }
        fillGrades();
      }, function () { classes = []; fillGrades(); });
    }

    function choose(school) {
      if (!draft.school || draft.school.code !== school.code) delete draft.source;
      draft.school = { code: school.code, name: school.name };
      draft.grade = null;
      draft.class_name = null;
      save();
      input.value = school.name;
      list.textContent = "";
      status.textContent = t("schoolChosen", { name: school.name });
      error.textContent = "";
      loadClasses(draft.school);
    }

    function search() {
      var q = input.value.trim();
      var mine = ++seq;
      if (!q) { list.textContent = ""; status.textContent = ""; return; }
      status.textContent = t("searching");
      api("GET", "/schools?q=" + encodeURIComponent(q) + "&limit=20").then(function (res) {
        if (mine !== seq) return;
        if (res.status === 404) return unavailable();
        if (!res.ok) { status.textContent = problemText(res); return; }
        var schools = listOf(res.data, "schools");
        list.textContent = "";
        schools.slice(0, 20).forEach(function (school, i) {
          list.appendChild(h("li", { id: "qz-school-" + i },
            h("button", { type: "button", class: "qz-school", onclick: function () { choose(school); } },
              h("span", { text: school.name }),
              school.district ? h("span", { class: "qz-small", text: school.district }) : null)));
        });
        status.textContent = schools.length ? "" : t("noSchools");
      }, function () { if (mine === seq) status.textContent = t("offline"); });
    }
    input.addEventListener("input", function () {
      if (draft.school && input.value !== draft.school.name) { draft.school = null; classBox.hidden = true; save(); }
      clearTimeout(debounce);
      debounce = setTimeout(search, 250);
    });

    var form = h("form", { class: "qz-form", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      if (!draft.school) { error.textContent = t("pickSchool"); input.focus(); return; }
      draft.grade = Number(grade.value) || null;
      draft.class_name = (classes.length ? klass.value : klassText.value.trim()) || null;
      if (!draft.grade || !draft.class_name) { error.textContent = t("pickClass"); grade.focus(); return; }
      save();
      rulesScreen();
    } },
      h("label", { for: "qz-school", class: "qz-label", text: t("school") }),
      input,
      h("p", { id: "qz-school-hint", class: "qz-small", text: t("schoolHint") }),
      status,
      list,
      h("div", { class: "qz-classbox" }, classBox),
      error,
      h("div", { class: "qz-row" },
        h("button", { class: "qz-btn", type: "button", "data-action": "back", onclick: trackScreen, text: t("back") }),
        h("button", { class: "qz-btn qz-btn--primary", type: "submit", text: t("next") })));
    classBox.appendChild(h("label", { for: "qz-grade", class: "qz-label", text: t("grade") }));
    classBox.appendChild(grade);
    classBox.appendChild(h("label", { for: "qz-class", class: "qz-label", text: t("className") }));
    classBox.appendChild(klass);
    classBox.appendChild(klassText);
    screen("student", [h("h2", { text: t("studentTitle") }), form]);
    if (draft.school) {
      status.textContent = t("schoolChosen", { name: draft.school.name });
      loadClasses(draft.school);
    } else {
      // Probe the schools API once so that a missing one is said before any typing.
      api("GET", "/schools?q=&limit=1").then(function (res) { if (res.status === 404) unavailable(); }, function () {});
    }
  }

  // ------------------------------------------------------------------ rules
  function rulesScreen() {
    var agree = h("input", { type: "checkbox", id: "qz-agree", checked: !!state.agreed });
    var error = h("p", { class: "qz-error", role: "alert" });
    var startBtn = h("button", { class: "qz-btn qz-btn--primary", type: "submit", text: t("start") });
    var form = h("form", { class: "qz-form", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      if (!agree.checked) { error.textContent = t("agreeNeeded"); agree.focus(); return; }
      state.agreed = true;
      save();
      startBtn.disabled = true;
      error.textContent = "";
      ensureParticipant().then(startAttempt).then(null, function (res) {
        startBtn.disabled = false;
        error.textContent = res && res.network ? t("offline") : problemText(res);
        if (res && (problemType(res) === "invalid-token" || problemType(res) === "unknown-school")) {
          delete state.token;
          delete state.participant;
          save();
        }
      });
    } },
      h("label", { class: "qz-check" }, agree, h("span", { text: t("agree") })),
      error,
      h("div", { class: "qz-row" },
        state.token ? null : h("button", { class: "qz-btn", type: "button", onclick: function () {
          if (state.draft && state.draft.track === "student") studentScreen();
          else trackScreen();
        }, text: t("back") }),
        startBtn));
    screen("rules", [
      h("h2", { text: t("rulesTitle") }),
      h("ul", { class: "qz-rules" }, ["rule1", "rule2", "rule3", "rule4"].map(function (k) { return h("li", { text: t(k) }); })),
      h("p", { class: "qz-privacy", text: t("privacy") }),
      h("p", { class: "qz-links" },
        h("a", { href: "../challenge/about/", text: t("rulesLink") }), " · ",
        h("a", { href: "../challenge/privacy/", text: t("privacyLink") })),
      form,
    ]);
  }

  function ensureParticipant() {
    if (state.token) return Promise.resolve();
    var draft = state.draft || { track: "adult" };
    var body = { track: draft.track, lang: LANG };
    if (CAMPAIGN) body.campaign = CAMPAIGN;
    if (draft.nickname) body.nickname = draft.nickname;
    if (draft.track === "student") {
      body.school_code = draft.school && draft.school.code;
      body.grade = draft.grade;
      body.class_name = draft.class_name;
      if (draft.source) body.source = draft.source;
    }
    var path = "/participants";
    if (state.wechat) {
      body.identity = state.wechat;
      path = "/wechat/participants";
    }
    return admitted(function () { return api("POST", path, body, { token: "-" }); }).then(function (res) {
      say("");
      if (!res.ok) throw res;
      state.token = res.data.token;
      state.participant = { track: res.data.track, nickname: res.data.nickname, campaign: res.data.campaign };
      delete state.draft;
      save();
    });
  }

  function startAttempt() {
    return admitted(function () { return api("POST", "/attempts", {}); }).then(function (res) {
      if (!res.ok) throw res;
      takePaper(res.data, res.status === 200);
    });
  }

  // ------------------------------------------------------------------ paper
  function takePaper(paper, resumed) {
    var same = state.attempt && state.attempt.attempt_id === paper.attempt_id;
    if (!same) {
      state.answers = {};
      state.index = 0;
      delete state.pending;
    }
    state.attempt = paper;
    state.skew = Date.parse(paper.server_time) - Date.now();
    delete state.lastResult;
    save();
    if (resumed || same) say(t("resumed"), "info");
    else say("");
    questionScreen();
  }

  function remaining() {
    var now = Date.now() + (state.skew || 0);
    return Math.max(0, Math.floor((Date.parse(state.attempt.deadline) - now) / 1000));
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function answeredCount() {
    var answers = state.answers || {};
    return Object.keys(answers).filter(function (id) { return answers[id] && answers[id].length; }).length;
  }

  function questionScreen() {
    var paper = state.attempt;
    var total = paper.questions.length;
    var index = Math.min(Math.max(state.index || 0, 0), total - 1);
    var q = paper.questions[index];
    var chosen = (state.answers[q.id] || []).slice();
    var multiple = q.type === "multiple";
    var timer = h("span", { class: "qz-timer__value", text: clock(remaining()) });
    var count = h("span", { class: "qz-small", text: t("answered", { n: answeredCount(), total: total }) });
    var confirmBox = h("div", { class: "qz-confirm", role: "alert", hidden: true });

    function record() {
      var inputs = form.querySelectorAll("input");
      var picked = [];
      for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) picked.push(inputs[i].value);
      state.answers[q.id] = picked.filter(function (c) { return LETTERS_RE.test(c); }).sort();
      save();
      count.textContent = t("answered", { n: answeredCount(), total: total });
    }
    function go(to) {
      state.index = to;
      save();
      questionScreen();
    }
    var form = h("fieldset", { class: "qz-fieldset qz-question" },
      h("legend", { class: "qz-stem" }, h("span", { class: "qz-num", text: q.number + ". " }), q.stem),
      h("p", { class: "qz-small qz-type", text: t(q.type) }),
      q.options.map(function (o) {
        return h("label", { class: "qz-choice qz-option" },
          h("input", { type: multiple ? "checkbox" : "radio", name: "qz-" + q.id, value: o.id,
            checked: chosen.indexOf(o.id) >= 0, onchange: record }),
          h("span", { class: "qz-letter", "aria-hidden": "true", text: o.id }),
          h("span", { class: "qz-choice__text", text: o.text }));
      }));
    var last = index === total - 1;
    var nav = h("div", { class: "qz-row" },
      h("button", { class: "qz-btn", type: "button", "data-action": "prev", disabled: index === 0, onclick: function () { go(index - 1); }, text: t("prev") }),
      last
        ? h("button", { class: "qz-btn qz-btn--primary", type: "button", "data-action": "submit", onclick: function () {
            var missing = total - answeredCount();
            if (missing > 0 && confirmBox.hidden) {
              confirmBox.hidden = false;
              confirmBox.textContent = "";
              confirmBox.appendChild(h("p", { text: t("unanswered", { n: missing }) }));
              confirmBox.appendChild(h("div", { class: "qz-row" },
                h("button", { class: "qz-btn", type: "button", "data-action": "keep-answering", onclick: function () {
                  var first = paper.questions.findIndex(function (item) { return !(state.answers[item.id] || []).length; });
                  go(first < 0 ? 0 : first);
                }, text: t("keepAnswering") }),
                h("button", { class: "qz-btn qz-btn--primary", type: "button", "data-action": "submit-anyway", onclick: submit, text: t("submitAnyway") })));
              confirmBox.querySelector("button").focus();
              return;
            }
            submit();
          }, text: t("submit") })
        : h("button", { class: "qz-btn qz-btn--primary", type: "button", "data-action": "next", onclick: function () { go(index + 1); }, text: t("nextQ") }));
    var bar = h("progress", { class: "qz-progress", max: String(total), value: String(index + 1),
      "aria-label": t("progress") + ": " + t("questionN", { n: index + 1, total: total }) });
    screen("question", [
      h("div", { class: "qz-status" },
        h("span", { class: "qz-qn", text: t("questionN", { n: index + 1, total: total }) }),
        h("span", { class: "qz-timer", role: "timer" }, h("span", { class: "qz-small", text: t("timeLeft") + " " }), timer)),
      bar,
      count,
      h("h2", { class: "qz-visually-hidden", text: t("questionN", { n: index + 1, total: total }) }),
      form,
      nav,
      confirmBox,
    ], null);
    timerId = setInterval(function () {
      var left = remaining();
      timer.textContent = clock(left);
      timer.parentNode.classList.toggle("qz-timer--low", left <= 60);
      if (left <= 0) {
        clearInterval(timerId);
        say(t("timeUp"), "info");
        submit();
      }
    }, 1000);
  }

  // ------------------------------------------------------------------ submit
  function submit() {
    var paper = state.attempt;
    if (!state.pending || state.pending.attempt_id !== paper.attempt_id) {
      var answers = paper.questions.map(function (q) {
        return { question_id: q.id, choices: (state.answers[q.id] || []).slice() };
      });
      // Frozen once: every retry sends exactly the same body (idempotent on the server).
      state.pending = { attempt_id: paper.attempt_id, body: { answers: answers } };
      save();
    }
    var status = h("p", { class: "qz-small", role: "status", "aria-live": "polite" });
    screen("submitting", [h("h2", { text: t("submitting") }), h("div", { class: "qz-spinner", "aria-hidden": "true" }), status]);
    var pending = state.pending;
    persist("POST", "/attempts/" + pending.attempt_id + "/submit", pending.body, function (text) {
      status.textContent = text;
    }).then(function (res) {
      if (res.ok) return finish(res.data);
      var type = problemType(res);
      if (type === "already-submitted") {
        return api("GET", "/attempts/" + pending.attempt_id + "/result").then(function (again) {
          if (again.ok) return finish(again.data);
          throw again;
        });
      }
      throw res;
    }).then(null, function (res) {
      var type = problemType(res);
      if (type === "attempt-expired" || type === "not-found") clearAttempt();
      if (type === "invalid-token" || type === "not-authenticated") {
        clearAttempt();
        delete state.token;
        delete state.participant;
        save();
      }
      errorScreen(problemText(res), boot);
    });
  }

  function finish(result) {
    clearAttempt();
    state.lastResult = result.attempt_id;
    save();
    resultScreen(result);
    try {
      document.dispatchEvent(new CustomEvent("quiz:finished", { detail: { attempt_id: result.attempt_id, campaign: result.campaign, track: result.track, passed: result.passed } }));
    } catch (e) { /* old engines */ }
  }

  // ------------------------------------------------------------------ result
  function resultScreen(result) {
    say("");
    var seconds = Math.round(result.duration_ms / 1000);
    var time = t("minSec", { m: Math.floor(seconds / 60), s: seconds % 60 });
    var cert = null;
    if (result.passed) {
      var img = h("img", { class: "qz-cert", alt: t("certificate"), width: "600", height: "848" });
      cert = h("section", { class: "qz-card", "aria-labelledby": "qz-cert-title" },
        h("h3", { id: "qz-cert-title", text: t("certificate") }),
        img,
        h("p", { class: "qz-small", text: t("certHint") }));
      // Fetched with the bearer token, then shown from a data: URL so that WeChat's
      // long-press "save image" works on a plain <img>.
      var headers = { Authorization: "Bearer " + state.token };
      fetch(API + "/attempts/" + result.attempt_id + "/certificate.png", { headers: headers }).then(function (res) {
        if (!res.ok) throw res;
        return res.blob();
      }).then(function (blob) {
        var reader = new FileReader();
        reader.onload = function () { img.src = reader.result; };
        reader.readAsDataURL(blob);
      }).then(null, function () { cert.hidden = true; });
    }
    var survey = surveyInvitation(result);

    var review = h("ol", { class: "qz-review" }, result.review.map(function (item) {
      function letters(list) {
        if (!list.length) return t("noAnswer");
        return list.map(function (id) {
          var option = item.options.filter(function (o) { return o.id === id; })[0];
          return id + (option ? " " + option.text : "");
        }).join("; ");
      }
      return h("li", { class: "qz-review__item " + (item.correct ? "is-right" : "is-wrong") },
        h("p", { class: "qz-review__stem" },
          h("span", { class: "qz-badge", text: item.correct ? "✓ " + t("right") : "✗ " + t("wrong") }), " ", item.stem),
        h("p", {}, h("strong", { text: t("yourAnswer") + t("colon") }), letters(item.your_choices)),
        h("p", {}, h("strong", { text: t("correctAnswer") + t("colon") }), letters(item.correct_choices)),
        h("p", {}, h("strong", { text: t("explanation") + t("colon") }), item.explanation),
        item.source ? h("p", { class: "qz-small" }, t("source") + t("colon") + item.source) : null);
    }));
    screen("result", [
      h("h2", { text: t("resultTitle") }),
      h("div", { class: "qz-score " + (result.passed ? "is-passed" : "is-failed") },
        h("p", { class: "qz-score__value", text: t("score", { score: result.score, max: result.max_score }) }),
        h("p", { text: result.late ? t("late") : result.passed ? t("passed") : t("failed") }),
        h("ul", { class: "qz-facts" },
          h("li", { text: t("correctCount", { n: result.correct_count, total: result.question_count }) }),
          h("li", { text: t("duration", { time: time }) }),
          result.rank ? h("li", { text: t("rank", { n: result.rank }) }) : null),
        // Held for review: the server's notice, already in the participant's language (a
        // paragraph of its own: an item of the list may not carry a role).
        result.held && result.notice ? h("p", { role: "status", text: result.notice }) : null),
      cert,
      survey,
      h("button", { class: "qz-btn qz-btn--primary", type: "button", onclick: function () {
        delete state.lastResult;
        save();
        rulesScreen();
      }, text: t("again") }),
      dailyInvitation(),
      h("h3", { text: t("review") }),
      review,
    ]);
  }

  // Today's question (the daily page in the same language): a reason to come back tomorrow.
  function dailyInvitation() {
    if (!DAILY) return null;
    return h("section", { class: "qz-card qz-daily", "aria-labelledby": "qz-daily-title" },
      h("h3", { id: "qz-daily-title", text: t("dailyTitle") }),
      h("p", { text: t("dailyText") }),
      h("a", { class: "qz-btn qz-btn--primary", href: DAILY, "data-action": "daily", text: t("dailyLink") }));
  }

  // ------------------------------------------------------------------ survey
  // The satisfaction survey, offered on the result while the participant may answer it.
  // The answers are kept on the device (draft, then the frozen body) until the server has them.
  function surveyInvitation(result) {
    var card = h("section", { class: "qz-card qz-survey", hidden: true, "aria-labelledby": "qz-survey-title" });
    if (state.surveyLater === result.attempt_id) return card;
    api("GET", "/survey?lang=" + LANG).then(function (res) {
      if (!res.ok || !res.data || !res.data.eligible) return;
      var spec = res.data;
      card.appendChild(h("h3", { id: "qz-survey-title", text: t("surveyTitle") }));
      card.appendChild(h("p", { text: t("surveyText") }));
      card.appendChild(h("div", { class: "qz-row" },
        h("button", { class: "qz-btn", type: "button", "data-action": "survey-later", onclick: function () {
          skipSurvey(result.attempt_id);
          card.hidden = true;
        }, text: t("surveyLater") }),
        h("button", { class: "qz-btn qz-btn--primary", type: "button", "data-action": "survey", onclick: function () {
          surveyScreen(spec, result);
        }, text: t("surveyLink") })));
      card.hidden = false;
    }, function () {});
    return card;
  }

  function surveyScreen(spec, result) {
    var draft = surveyDraft(spec.survey);
    var error = h("p", { class: "qz-error", role: "alert" });
    var form = h("form", { class: "qz-form qz-survey-form", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      var comment = draft.comment.trim();
      if (!Object.keys(draft.answers).length && !comment) {
        error.textContent = t("surveyEmpty");
        return;
      }
      // Frozen once: a retry or a reload sends exactly these answers.
      state.surveyPending = { survey: draft.survey, answers: Object.assign({}, draft.answers), comment: comment || null };
      save();
      sendSurvey(result);
    } },
      spec.questions.map(function (q) { return q.type === "scale" ? scaleQuestion(q, draft) : textQuestion(q, draft); }),
      error,
      h("div", { class: "qz-row" },
        h("button", { class: "qz-btn", type: "button", "data-action": "survey-skip", onclick: function () {
          skipSurvey(result.attempt_id);
          resultScreen(result);
        }, text: t("surveySkip") }),
        h("button", { class: "qz-btn qz-btn--primary", type: "submit", text: t("surveySend") })));
    screen("survey", [h("h2", { text: spec.title }), h("p", { class: "qz-lead", text: spec.intro }), form]);
  }

  function surveyDraft(surveyId) {
    if (!state.surveyDraft || state.surveyDraft.survey !== surveyId) {
      state.surveyDraft = { survey: surveyId, answers: {}, comment: "" };
    }
    return state.surveyDraft;
  }

  function scaleQuestion(q, draft) {
    return h("fieldset", { class: "qz-fieldset qz-scale" },
      h("legend", { text: q.text }),
      q.options.map(function (o) {
        return h("label", { class: "qz-choice qz-scale__option" },
          h("input", { type: "radio", name: "qz-survey-" + q.id, value: String(o.value),
            checked: draft.answers[q.id] === o.value,
            onchange: function () { draft.answers[q.id] = o.value; save(); } }),
          h("span", { class: "qz-letter", "aria-hidden": "true", text: String(o.value) }),
          h("span", { class: "qz-choice__text", text: o.label }));
      }));
  }

  function textQuestion(q, draft) {
    var max = q.max_length || 500;
    var left = h("p", { id: "qz-survey-left", class: "qz-small" });
    var box = h("textarea", { id: "qz-survey-" + q.id, class: "qz-textarea", rows: "4", maxlength: String(max),
      "aria-describedby": "qz-survey-left" });
    box.value = draft.comment;
    function count() { left.textContent = t("surveyLeft", { n: max - box.value.length }); }
    box.addEventListener("input", function () {
      draft.comment = box.value;
      save();
      count();
    });
    count();
    return h("div", { class: "qz-survey-text" }, h("label", { for: box.id, class: "qz-label", text: q.text }), box, left);
  }

  function sendSurvey(result) {
    var status = h("p", { class: "qz-small", role: "status", "aria-live": "polite" });
    screen("survey-sending", [h("h2", { text: t("surveySending") }), h("div", { class: "qz-spinner", "aria-hidden": "true" }), status]);
    persist("POST", "/survey/responses", state.surveyPending, function (text) {
      status.textContent = text;
    }).then(function (res) {
      var answered = problemType(res) === "survey-already-answered";
      if (!res.ok && !answered) throw res;
      forgetSurvey();
      surveyDone(answered ? "surveyAlready" : "surveyThanksText", result);
    }).then(null, function (res) {
      // Refused (not a network failure, which is retried): sending it again would not help;
      // the draft stays for another try.
      delete state.surveyPending;
      save();
      errorScreen(problemText(res), function () { backToResult(result); });
    });
  }

  function surveyDone(key, result) {
    screen("survey-done", [
      h("h2", { text: t("surveyThanks") }),
      h("p", { class: "qz-lead", text: t(key) }),
      h("button", { class: "qz-btn qz-btn--primary", type: "button", "data-action": "survey-back", onclick: function () {
        backToResult(result);
      }, text: t("surveyBack") }),
    ]);
  }

  // "Not now" and "skip" send nothing: the invitation is not shown again for this result.
  function skipSurvey(attemptId) {
    state.surveyLater = attemptId;
    delete state.surveyDraft;
    save();
  }

  function forgetSurvey() {
    delete state.surveyPending;
    delete state.surveyDraft;
    save();
  }

  // After a reload the result object is gone: boot() shows the last result again.
  function backToResult(result) {
    if (result) resultScreen(result);
    else boot();
  }

  // ------------------------------------------------------------------ WeChat
  function readFragment() {
    if (!/^#wx/.test(location.hash)) return;
    var frag = new URLSearchParams(location.hash.slice(1));
    if (frag.get("wx")) {
      state.wechat = frag.get("wx");
      if (frag.get("wx_token")) {
        // This openid already joined the campaign: its token, the participant read below.
        state.token = frag.get("wx_token");
        delete state.participant;
      }
    }
    state.wechatTried = true;
    if (frag.get("wx_error")) say(t("e_wechat-login-failed"), "info");
    save();
    history.replaceState(null, "", location.pathname + location.search);
  }

  function wechatLogin() {
    // Silent OAuth (snsapi_base) when the server is configured for an official account.
    if (!IN_WECHAT || state.token || state.wechat || state.wechatTried) return Promise.resolve(false);
    return api("GET", "/wechat/status").then(function (res) {
      if (!res.ok || !res.data || !res.data.enabled) return false;
      state.wechatTried = true;
      save();
      screen("wechat", [h("h2", { text: t("wechat") })]);
      location.replace(API + "/wechat/oauth/start?next=" + encodeURIComponent(location.pathname + location.search));
      return true;
    }, function () { return false; });
  }

  // Inside WeChat: the share card the server makes for the campaign.
  function wechatShare() {
    var campaign = CAMPAIGN ? "&campaign=" + encodeURIComponent(CAMPAIGN) : "";
    SbApp.wechatShare(API, campaign + "&lang=" + LANG, function (cfg) {
      return { title: cfg.share.title, desc: cfg.share.desc, link: cfg.share.link, imgUrl: cfg.share.img_url };
    });
  }

  // ------------------------------------------------------------------ boot
  function keepQueryOnLanguageLinks() {
    if (!location.search) return;
    var links = document.querySelectorAll("a.sb-lang-link");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href") || "";
      if (href.indexOf("#") < 0 && href.indexOf("?") < 0) links[i].setAttribute("href", href + location.search);
    }
  }

  function boot() {
    if (state.token && !state.participant) {
      return api("GET", "/participants/me").then(function (res) {
        if (res.ok) state.participant = { track: res.data.track, nickname: res.data.nickname, campaign: res.data.campaign };
        else delete state.token;
        save();
        boot();
      }, function () { state.participant = { track: "adult", nickname: "" }; boot(); });
    }
    if (state.pending && state.attempt && state.token) return submit();
    if (state.token && state.attempt) {
      // Resume: the server's copy of the paper wins; the stored copy serves offline.
      return api("GET", "/attempts/" + state.attempt.attempt_id).then(function (res) {
        if (res.ok && res.data.status === "open") return takePaper(res.data, true);
        if (res.ok && res.data.status === "submitted") {
          state.lastResult = res.data.attempt_id;
          clearAttempt();
          return boot();
        }
        var type = problemType(res);
        clearAttempt();
        if (type === "invalid-token" || type === "not-authenticated") {
          delete state.token;
          delete state.participant;
          save();
        }
        if (res.ok) say(t("e_attempt-expired"), "info");
        boot();
      }, function () {
        say(t("resumed"), "info");
        questionScreen();
      });
    }
    if (state.token && state.surveyPending) return sendSurvey(null);
    if (state.token && state.lastResult) {
      return api("GET", "/attempts/" + state.lastResult + "/result").then(function (res) {
        if (res.ok) return resultScreen(res.data);
        delete state.lastResult;
        save();
        trackScreen();
      }, function () { trackScreen(); });
    }
    return wechatLogin().then(function (redirected) {
      if (redirected) return;
      schoolLink().then(function (message) {
        trackScreen();
        if (message) say(message, "info");
      });
    });
  }

  // A school kit's link, ?school=CODE[&class=<grade>-<class name>]: the student track with
  // the school (and class) already chosen, shown for confirmation on the next screens. An
  // unknown school or class says so plainly and leaves the search as it is.
  function schoolLink() {
    var code = params.get("school");
    if (!code || state.token) return Promise.resolve("");
    var key = /^(\d+)-(.+)$/.exec(params.get("class") || "");
    return api("GET", "/schools/" + encodeURIComponent(code) + "/classes").then(function (res) {
      var draft = state.draft || (state.draft = { track: "adult", nickname: "" });
      if (!res.ok || !res.data || !res.data.code) {
        if (draft.source) { draft.school = null; delete draft.source; save(); }
        return t("linkUnknown");
      }
      var school = res.data;
      var found = !!key && (school.grades || []).some(function (g) {
        return Number(g.grade) === Number(key[1]) && (g.classes || []).indexOf(key[2]) >= 0;
      });
      draft.track = "student";
      draft.school = { code: school.code, name: school.name };
      draft.grade = found ? Number(key[1]) : null;
      draft.class_name = found ? key[2] : null;
      draft.source = found ? "class_link" : "school_link";
      save();
      return t(params.get("class") && !found ? "linkClassUnknown" : "linkChosen", { name: school.name });
    }, function () { return ""; });
  }

  readFragment();
  keepQueryOnLanguageLinks();
  screen("loading", [h("p", { text: t("loading") })]);
  boot();
  wechatShare();
})();
