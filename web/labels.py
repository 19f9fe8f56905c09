"""Every word the web pages show, in the one message catalogue (models/messages.py), and the policy form's
fields (models/policy.py: each key's unit, range, default; a Chinese label for each)."""

from __future__ import annotations

from typing import Any, get_args

from ..models import messages
from ..models.policy import Policy, Weights

messages.register({
    "web.title": ("rotaplan: teacher rotation and placement", "rotaplan 教师轮岗交流与配置"),
    "web.brand": ("rotaplan", "rotaplan 轮岗配置"),
    "web.nav.home": ("Scenarios", "情景数据"),
    "web.nav.policy": ("Policy", "政策参数"),
    "web.nav.runs": ("Plans", "方案"),
    "web.nav.compare": ("Compare", "方案对比"),
    "web.nav.admin": ("Users and audit log", "用户与操作日志"),
    "web.nav.logout": ("Log out", "退出"),
    "web.nav.lang": ("中文", "English"),
    "web.user": ("{name} ({role})", "{name}（{role}）"),
    "web.role.admin": ("administrator", "管理员"),
    "web.role.clerk": ("clerk", "人事科员"),
    "web.role.viewer": ("viewer", "查看者"),
    "web.login.title": ("Log in", "登录"),
    "web.login.name": ("User name", "用户名"),
    "web.login.password": ("Password", "密码"),
    "web.login.submit": ("Log in", "登录"),
    "web.login.failed": ("Wrong user name or password.", "用户名或密码错误。"),
    "web.login.limited": ("Too many failed attempts for this user from this address: wait {minutes} minutes.",
                          "该用户在此地址登录失败次数过多，请{minutes}分钟后再试。"),
    "web.login.stale": ("The login form expired: please log in again.", "登录页已过期，请重新登录。"),
    "web.err.401": ("Please log in first.", "请先登录。"),
    "web.err.403": ("You may not do this: your role is {role}.", "您无权进行此操作：您的角色是{role}。"),
    "web.err.csrf": ("The form's security token is missing or wrong: reload the page and try again.",
                     "表单安全令牌缺失或无效：请刷新页面后重试。"),
    "web.err.404": ("Not found.", "未找到。"),
    "web.err.title": ("Not possible", "无法完成"),
    "web.back": ("Back", "返回"),
    # uploads
    "web.upload.title": ("Bring in the office's data", "导入人事数据"),
    "web.upload.help": ("One Excel workbook (.xlsx) or a zip of the scenario's CSV files (schools, staff, demand; "
                        "roads, nodes and policy.yaml if any). At most {mb} MB.",
                        "一个Excel工作簿（.xlsx），或情景CSV文件的zip压缩包（学校、教职工、课时需求；如有，道路、节点和"
                        "policy.yaml）。不超过{mb} MB。"),
    "web.upload.file": ("File", "文件"),
    "web.upload.submit": ("Upload and check", "上传并检查"),
    "web.upload.list": ("Uploaded scenarios", "已上传的情景数据"),
    "web.upload.kind": ("Give an Excel workbook (.xlsx) or a zip of CSV files.",
                        "请上传Excel工作簿（.xlsx）或CSV文件的zip压缩包。"),
    "web.upload.not_zip": ("The file is not a readable .xlsx workbook or zip archive.",
                           "该文件不是可读取的.xlsx工作簿或zip压缩包。"),
    "web.upload.size": ("The file is {mb} MB; at most {most} MB are accepted.", "文件大小为{mb} MB，上限为{most} MB。"),
    "web.upload.length": ("The upload does not say its size (Content-Length): send it from the upload form.",
                          "上传请求未注明大小（Content-Length）：请通过上传表单提交。"),
    "web.upload.members": ("The archive holds {n} entries; at most {most} are accepted.",
                           "压缩包内有{n}个条目，上限为{most}个。"),
    "web.upload.unpacked": ("Unpacked, the file would take {mb} MB or more; at most {most} MB are accepted "
                            "(is it a zip bomb?).", "解压后将超过{mb} MB，上限为{most} MB（是否为压缩炸弹？）。"),
    "web.upload.rows": ("A sheet of the workbook has {rows} rows; at most {most} are accepted.",
                        "工作簿中有一张工作表达{rows}行，上限为{most}行。"),
    "web.upload.twice": ("{a} and {b} both hold the table {table}: keep one.", "{a}和{b}都是{table}表，请只保留一个。"),
    "web.upload.no_tables": ("The zip holds no scenario file (schools.csv, staff.csv, demand.csv ...).",
                             "压缩包中没有情景数据文件（schools.csv、staff.csv、demand.csv等）。"),
    "web.upload.refused": ("The upload was refused", "上传被拒绝"),
    "web.upload.problems": ("{n} problem(s) in the data: nothing can be planned until they are fixed.",
                            "数据中有{n}处问题：改正后才能编制方案。"),
    "web.upload.valid": ("The data are valid.", "数据有效。"),
    "web.upload.warnings": ("Warnings (the plan can go ahead)", "警告（不影响编制方案）"),
    "web.col.source": ("File or sheet", "文件或工作表"),
    "web.col.row": ("Row", "行"),
    "web.col.column": ("Column", "列"),
    "web.col.cell": ("Cell", "单元格"),
    "web.col.value": ("Value", "值"),
    "web.col.message": ("What is wrong and what is right", "问题及正确写法"),
    "web.col.when": ("When", "时间"),
    "web.col.who": ("Who", "用户"),
    "web.col.file": ("File", "文件"),
    "web.col.status": ("Status", "状态"),
    "web.col.name": ("Name", "名称"),
    "web.col.action": ("Action", "操作"),
    "web.col.object": ("Object", "对象"),
    "web.col.detail": ("Detail", "详情"),
    "web.status.valid": ("valid", "有效"),
    "web.status.invalid": ("has problems", "有问题"),
    "web.status.refused": ("refused", "已拒绝"),
    "web.summary.title": ("Scenario summary", "情景数据概况"),
    "web.summary.year": ("Plan year {year}", "方案年度{year}"),
    "web.summary.area": ("Area", "区域"),
    "web.summary.figure": ("Figure", "指标"),
    "web.summary.value": ("Value", "数值"),
    "web.summary.now": ("Now", "现状"),
    "web.summary.target": ("Target", "目标"),
    "web.summary.rule": ("Rule", "规则"),
    "web.summary.by_level": ("Schools by area and level", "按区域和学段的学校数"),
    "web.summary.staff": ("Staff", "教职工"),
    "web.summary.rule_figures": ("Policy figures before any plan", "编制方案前的政策指标"),
    "web.summary.plan_it": ("Plan with these data", "用此数据编制方案"),
    # policy
    "web.policy.title": ("Policy", "政策参数"),
    "web.policy.help": ("Every key of the policy, with its unit, range and default. Save the values as a named "
                        "policy and choose it when you plan.",
                        "全部政策参数及其单位、取值范围和默认值。保存为命名的政策方案，编制方案时选用。"),
    "web.policy.based_on": ("Values of", "取值来源"),
    "web.policy.defaults": ("the defaults", "默认值"),
    "web.policy.name": ("Name of the policy", "政策方案名称"),
    "web.policy.key": ("Key", "参数"),
    "web.policy.label": ("Meaning", "含义"),
    "web.policy.value": ("Value", "取值"),
    "web.policy.unit": ("Unit", "单位"),
    "web.policy.range": ("Range", "范围"),
    "web.policy.default": ("Default", "默认"),
    "web.policy.save": ("Save the policy", "保存政策方案"),
    "web.policy.saved": ("Policy \"{name}\" saved.", "政策方案“{name}”已保存。"),
    "web.policy.problems": ("The policy was not saved: {n} value(s) are not right.",
                            "政策方案未保存：有{n}个取值不正确。"),
    "web.policy.list": ("Saved policies", "已保存的政策方案"),
    "web.policy.need_name": ("Give the policy a name.", "请为政策方案命名。"),
    "web.policy.weights": ("Weights of the soft goals", "软目标权重"),
    "web.yes": ("yes", "是"),
    "web.no": ("no", "否"),
    # runs
    "web.run.title": ("Plans", "方案"),
    "web.run.new": ("Make a plan", "编制方案"),
    "web.run.scenario": ("Data", "数据"),
    "web.run.policy": ("Policy", "政策方案"),
    "web.run.policy_own": ("the data's own policy", "数据自带的政策参数"),
    "web.run.time_limit": ("Time limit per stage (seconds)", "每阶段求解时限（秒）"),
    "web.run.seed": ("Seed", "随机种子"),
    "web.run.lang": ("Language of the plan", "方案语言"),
    "web.run.label": ("Label", "标签"),
    "web.run.draft": ("If no plan keeps every hard rule, write the best one as a draft",
                      "若无方案满足全部硬性规则，将最优方案写为草稿"),
    "web.run.submit": ("Plan", "开始编制"),
    "web.run.none": ("No valid data uploaded yet: upload a workbook first.", "尚未上传有效数据：请先上传工作簿。"),
    "web.run.bad_limit": ("The time limit is 1 to 600 seconds.", "求解时限为1至600秒。"),
    "web.run.list": ("Plans made here", "已编制的方案"),
    "web.run.job": ("Plan {id}", "方案 {id}"),
    "web.job.queued": ("waiting for a worker", "排队中"),
    "web.job.running": ("planning", "编制中"),
    "web.job.done": ("done", "完成"),
    "web.job.failed": ("failed", "失败"),
    "web.job.stage": ("Stage: {stage}", "阶段：{stage}"),
    "web.job.stage.reading": ("reading and checking the data", "读取并检查数据"),
    "web.job.stage.R12 retirements": ("R12 retirements", "R12 退休"),
    "web.job.stage.leaders": ("leaders (R1-R4, R8)", "校级干部（R1-R4、R8）"),
    "web.job.stage.teachers": ("teachers (R5, R6, R9-R11, R14)", "教师（R5、R6、R9-R11、R14）"),
    "web.job.stage.itinerant": ("itinerant teaching (R7)", "走教（R7）"),
    "web.job.stage.R13 training": ("R13 training; checking and writing the plan", "R13 培训；检查并写出方案"),
    "web.job.stage.done": ("done", "完成"),
    "web.job.failed_why": ("The plan failed:", "方案编制失败："),
    "web.job.infeasible": ("No plan keeps every hard rule, so none was written.",
                           "没有满足全部硬性规则的方案，未写出方案。"),
    "web.job.draft": ("DRAFT, not a plan: it breaks hard rules.", "草稿，不是方案：违反硬性规则。"),
    "web.job.seconds": ("{s} s", "{s} 秒"),
    "web.job.open": ("Open the plan", "查看方案"),
    "web.job.lock_of": ("Re-plan of plan {base} with {person}'s decision changed",
                        "在方案{base}基础上改变{person}的决定后重新编制"),
    # plan page
    "web.plan.kpis": ("KPIs: before, after, target", "关键指标：编制前、编制后、目标"),
    "web.plan.compliance": ("Compliance by rule", "各规则合规情况"),
    "web.plan.figure": ("Figure", "指标"),
    "web.plan.before": ("Before", "编制前"),
    "web.plan.after": ("After", "编制后"),
    "web.plan.target": ("Target", "目标"),
    "web.plan.people": ("People", "人员"),
    "web.plan.search": ("Name or id", "姓名或编号"),
    "web.plan.township": ("Township", "乡镇"),
    "web.plan.school": ("School", "学校"),
    "web.plan.move": ("Move", "调动类型"),
    "web.plan.rule": ("Rule", "规则"),
    "web.plan.any": ("all", "全部"),
    "web.plan.filter": ("Filter", "筛选"),
    "web.plan.count": ("{n} people, page {page} of {pages}", "共{n}人，第{page}/{pages}页"),
    "web.plan.prev": ("Previous", "上一页"),
    "web.plan.next": ("Next", "下一页"),
    "web.plan.downloads": ("Downloads", "下载"),
    "web.plan.xlsx": ("plan.xlsx ({language})", "plan.xlsx（{language}）"),
    "web.plan.report": ("report.html", "report.html 报告"),
    "web.plan.view_report": ("view the report (charts, map)", "查看报告（图表、地图）"),
    "web.plan.charts": ("Charts and map (report.html)", "图表与地图（report.html）"),
    "web.plan.locked": ("The decision you changed", "您改变的决定"),
    "web.plan.changed": ("Who else changed in this re-plan", "本次重新编制中其他变动人员"),
    "web.plan.nobody": ("Nobody else changed.", "没有其他人员变动。"),
    "web.plan.notes": ("Notes of the run", "编制说明"),
    "web.col.person": ("Person", "人员"),
    "web.col.role": ("Role", "职务"),
    "web.col.from": ("From", "原学校"),
    "web.col.to": ("To", "去向"),
    "web.col.rules": ("Rules", "规则"),
    "web.col.reason": ("Reason", "理由"),
    "web.col.was": ("Was", "原方案"),
    "web.col.now": ("Now", "新方案"),
    "web.lang.zh": ("Chinese", "中文"),
    "web.lang.en": ("English", "英文"),
    # person page
    "web.person.explain": ("Why", "原因说明"),
    "web.person.params": ("Parameters that mattered", "相关参数"),
    "web.person.week": ("Itinerant week", "走教周安排"),
    "web.person.change": ("Change this decision", "改变此决定"),
    "web.person.change_help": ("Pick another school, or keep them where they are; rotaplan re-plans with that "
                               "decision locked and changes as few others as it can.",
                               "选择另一所学校，或让其留在原校；rotaplan将锁定此决定重新编制方案，并尽量少改动其他人。"),
    "web.person.keep": ("keep them where they are (role and school)", "留在原校原岗"),
    "web.person.replan": ("Re-plan with this decision", "按此决定重新编制"),
    "web.person.no_person": ("No such person in this plan.", "此方案中没有该人员。"),
    "web.person.no_school": ("No such school in the plan's data.", "方案数据中没有该学校。"),
    # compare
    "web.compare.title": ("Compare plans", "方案对比"),
    "web.compare.pick": ("Pick two or more plans", "选择两个或更多方案"),
    "web.compare.submit": ("Compare", "对比"),
    "web.compare.need_two": ("Pick at least two finished plans.", "请至少选择两个已完成的方案。"),
    "web.compare.info": ("What they were made from", "方案来源"),
    "web.compare.kpis": ("KPIs", "关键指标"),
    "web.compare.compliance": ("Compliance", "合规情况"),
    "web.compare.moves": ("Moves", "调动"),
    "web.compare.people": ("People whose outcome differs ({n})", "去向不同的人员（{n}人）"),
    # admin
    "web.admin.users": ("Users", "用户"),
    "web.admin.add": ("Add a user", "添加用户"),
    "web.admin.role": ("Role", "角色"),
    "web.admin.added": ("User {name} added.", "已添加用户{name}。"),
    "web.admin.audit": ("Audit log (newest first)", "操作日志（最新在前）"),
})

# The figures of the scenario summary (models/summary.py), by their English name.
messages.register({f"web.fig.{k}": (k, zh) for k, zh in {
    "townships": "乡镇数", "schools": "学校数", "staff": "教职工数", "principals": "校长", "vice-principals": "副校长",
    "teachers": "教师",
    "new hires to place": "待分配新聘教师", "teachers finishing contract period 1": "第一聘期届满教师",
    "leaders due for rotation (R1)": "到期应轮岗干部（R1）",
    "of them exempt": "其中免轮岗", "reserve leaders": "后备干部",
    "public-funded teachers": "公费师范生", "demand lines": "课时需求条目", "weekly lessons demanded": "每周需求课时",
    "road graph": "道路网",
}.items()})
messages.register({
    "web.fig.road.roads.csv": ("roads.csv", "道路表（roads.csv）"),
    "web.fig.road.estimated from coordinates": ("estimated from coordinates", "按坐标估算"),
})

# roadmaps (runs/roadmap.py) and the person page's facts
messages.register({
    "web.nav.roadmaps": ("Roadmaps", "逐年路线图"),
    "web.rm.title": ("Roadmaps", "逐年路线图"),
    "web.rm.help": ("A roadmap plans the scenario year after year: plan, roll over to the next year (retirements, "
                    "postings, terms, new hires of the hiring plan), plan again, until the year you give. It says the "
                    "first year R10 and R3 are met, or why not.",
                    "路线图逐年编制方案：编制当年方案，滚动到下一年（退休、交流期满、任期、按招聘计划新聘教师），再编制，"
                    "直到所给年份。并给出R10与R3首次达到的年份，或未达到的原因。"),
    "web.rm.new": ("Start a roadmap", "新建路线图"),
    "web.rm.plan_year": ("plans {year}", "方案年度{year}"),
    "web.rm.until": ("Until the year", "截止年份"),
    "web.rm.hiring": ("Hiring plan (hiring.yaml, optional)", "招聘计划（hiring.yaml，可选）"),
    "web.rm.hiring_help": ("Counts of new teachers by year, subject, degree and certificate, as "
                           "docs/scenario-format.md \"Next year\" describes; "
                           "a sheet of named people is not taken here (use the command line).",
                           "按年份、学科、学历、资格证列出新聘教师人数，格式见 docs/scenario-format.md“Next year”一节；"
                           "此处不接受具名人员表（请用命令行）。"),
    "web.rm.hiring_size": ("A hiring plan is a short text: at most {kb} KB.", "招聘计划应为简短文本：不超过{kb} KB。"),
    "web.rm.hiring_bad": ("The hiring plan cannot be read", "无法读取招聘计划"),
    "web.rm.time_limit": ("Time limit per stage and year (seconds)", "每年每阶段求解时限（秒）"),
    "web.rm.submit": ("Start the roadmap", "开始编制路线图"),
    "web.rm.bad": ("The last year must be a year from {first} to {last}, the time limit 1 to 600 seconds.",
                   "截止年份须在{first}至{last}年之间，求解时限须为1至600秒。"),
    "web.rm.list": ("Roadmaps", "路线图列表"),
    "web.rm.open": ("Open the roadmap", "查看路线图"),
    "web.rm.compare": ("Compare the ticked roadmaps", "对比所选路线图"),
    "web.rm.job": ("Roadmap {id}", "路线图 {id}"),
    "web.rm.about": ("Until {until}, {limit} s per stage and year, hiring plan: {hiring}.",
                     "截止{until}年，每年每阶段{limit}秒，招聘计划：{hiring}。"),
    "web.rm.no_hiring": ("none", "无"),
    "web.rm.year_now": ("planning {year}", "正在编制{year}年"),
    "web.rm.year": ("{year}", "{year}年"),
    "web.rm.failed_why": ("The roadmap failed:", "路线图编制失败："),
    "web.rm.targets": ("The targets", "目标达成"),
    "web.rm.first_met": ("{rule}: first met in {year}", "{rule}：{year}年首次达到"),
    "web.rm.first_not": ("{rule}: not met by {year}", "{rule}：到{year}年仍未达到"),
    "web.rm.download": ("Download roadmap.html", "下载 roadmap.html"),
    "web.rm.stopped": ("A year's plan broke hard rules: the roadmap stops there.",
                       "某年方案违反硬性规则，路线图在该年终止。"),
    "web.rm.table": ("Year by year", "逐年数据"),
    "web.rm.charts": ("Charts", "图表"),
    "web.rm.col.year": ("Year", "年份"),
    "web.rm.col.plan": ("Plan", "方案"),
    "web.rm.col.figure": ("Figure", "指标"),
    "web.rm.open_year": ("the {year} plan", "{year}年方案"),
    "web.rm.year_of": ("The {year} plan of roadmap {id}", "路线图 {id} 的{year}年方案"),
    "web.outcome.ok": ("planned", "已编制"),
    "web.outcome.draft": ("draft (breaks hard rules)", "草案（违反硬性规则）"),
    "web.outcome.infeasible": ("infeasible: the roadmap stops", "无可行方案：路线图终止"),
    "web.rm.cmp.title": ("Compare roadmaps", "路线图对比"),
    "web.rm.cmp.pick": ("Pick two or more finished roadmaps", "选择两个或更多已完成的路线图"),
    "web.job.stage.rollover": ("rollover to the next year", "滚动到下一年"),
    "web.person.facts": ("Facts of the plan", "方案要点"),
    "web.person.fact.period2": ("Period-2 school (named at hiring, R5)", "第二聘期学校（聘用时确定，R5）"),
    "web.person.fact.home": ("Home school of the posting (R16)", "交流派出学校（R16）"),
    "web.person.fact.until": ("Posting until the school year (R16)", "交流至学年（R16）"),
    "web.person.fact.bed": ("Dormitory bed (R17)", "教师周转宿舍床位（R17）"),
    "web.person.fact.bed_at": ("a bed at {school} ({beds} beds there)", "{school}的床位（该校共{beds}张）"),
    "web.person.fact.spouse": ("Spouse's school after the plan", "配偶方案后所在学校"),
    "web.person.fact.spouse_at": ("{spouse}: {school} ({township}){apart}", "{spouse}：{school}（{township}）{apart}"),
    "web.person.fact.apart": (", another township", "，不在同一乡镇"),
    "web.person.week_table": ("Itinerant week (R7)", "走教周安排（R7）"),
    "web.week.day": ("Day", "星期"),
    "web.week.stop": ("Stop", "站次"),
    "web.week.school": ("School", "学校"),
    "web.week.lessons": ("Lessons", "课时"),
    "web.week.minutes": ("Travel minutes", "路程分钟"),
    "web.week.back": ("back home", "返回本校"),
    "web.week.total": ("Week: {lessons} itinerant lessons on {days} day(s), {minutes} travel minutes with the way back",
                       "每周：走教{lessons}节，共{days}天，路程{minutes}分钟（含返程）"),
})
messages.register({f"web.rf.{k}": (k, zh) for k, zh in {
    "young rural leader share": "乡村年轻干部占比", "backbone share urban": "城区骨干教师占比",
    "backbone share rural": "乡村骨干教师占比", "bachelor+ share rural": "乡村本科及以上学历占比",
    "kindergarten associate+ share rural": "乡村幼儿园专科及以上学历占比",
    "urban/rural bachelor ratio": "城乡本科学历比例之比",
}.items()})

# A Chinese label (and an English one, the policy's own description) for every policy key.
_ZH_LABELS = {
    "plan_year": "方案年度（9月1日生效）", "term_years": "任期及聘期年限", "rotation_terms": "轮岗任期数（R1）",
    "young_age": "年轻干部年龄上限（R3）", "young_rural_leader_share": "乡村年轻干部占比目标（R3）",
    "degree_ratio_max": "城乡本科学历比例之比上限（R10）", "teacher_load": "教师周课时量",
    "days_per_week": "每周上课天数", "max_schools_per_day": "走教每日最多学校数（R7）",
    "max_travel_minutes_per_day": "走教每日最长路程时间（R7）",
    "max_itinerant_lessons_per_day": "走教每日最多课时（R7）",
    "exchange_after_years": "可交流的本校任教年限（R11）", "exchange_share": "交流比例下限（R11）",
    "exchange_backbone_share": "交流人员中骨干教师最低比例（R11）", "exchange_share_max": "交流比例上限（R11）",
    "exchange_exempt_age_male": "男教师免交流年龄（R11）", "exchange_exempt_age_female": "女教师免交流年龄（R11）",
    "exchange_years": "交流年限（R16）", "retirement_age_male": "男性退休年龄（R12）",
    "retirement_age_female": "女性退休年龄（R12）", "public_funded_rural_years": "公费师范生乡村服务年限（R6）",
    "young_backbone_training_count": "青年骨干培养人数（R13）", "young_backbone_age": "青年骨干年龄上限（R13）",
    "rotation_levels": "轮岗学段（R1）", "retirement_schedule": "退休年龄办法（R12）",
    "principal_min_title": "校长最低职称", "principal_min_teaching_years": "校长最低教龄",
    "detour_factor": "道路绕行系数", "road_speed_kmh": "平均车速",
    "allow_principal_to_vice": "到期校长可轮岗任副校长（R1）", "promote_rural_reserve": "乡村后备干部可提拔（R2）",
    "leader_level_match": "干部仅在同学段组间轮岗", "promote_reserve_to_principal": "后备干部可直接提拔为校长（R2）",
    "promote_vice_to_principal": "副校长可提拔为校长（R8）", "lang": "方案理由语言",
    "weights.move": "额外调动成本", "weights.commute_km": "通勤每公里成本", "weights.preference": "志愿学校奖励",
    "weights.envy": "合理嫉妒对成本", "weights.r1x_crossing": "到期干部城乡交叉轮岗奖励（R1x）",
    "weights.r2_urban_reserve": "城区后备干部任乡村职位奖励（R2）",
    "weights.r3_young_rural_leader": "乡村年轻干部奖励（R3）",
    "weights.leader_post_filled": "干部职位填补奖励",
    "weights.experienced_weak_school": "有经验校长任乡村或山区学校奖励",
    "weights.coverage": "每课时覆盖奖励", "weights.rural_coverage": "乡村学校覆盖倍数",
    "weights.mountain_coverage": "山区学校覆盖附加倍数", "weights.r9_parity": "乡村配置均衡差额成本（R9）",
    "weights.r10_degree_ratio": "学历比例差额成本（R10）", "weights.r11_exchange": "交流目标差额成本（R11）",
    "weights.itinerant_teacher": "每名走教教师成本", "weights.travel_minute": "走教每分钟路程成本",
    "weights.points_rural_year": "每年乡村任教积分", "weights.points_backbone_level": "每级骨干积分",
    "weights.points_year_at_school": "本校每年任教积分", "weights.points_mountainous": "山区任教积分",
    "weights.keep_reference": "偏离参照方案成本（重新编制）",
}
_ZH_UNITS = {
    "year": "年份", "years": "年", "terms": "个任期", "share": "比例", "ratio": "比值", "lessons/week": "课时/周",
    "days": "天", "schools": "所", "minutes": "分钟", "lessons": "课时", "teachers": "人", "levels": "学段",
    "schedule": "办法", "title": "职称", "factor": "倍数", "km/h": "公里/小时", "switch": "开关", "language": "语言",
    "school years": "学年", "per move": "每次调动", "per km": "每公里", "per rank": "每位次", "per pair": "每对",
    "per crossing": "每次交叉", "per post": "每个职位", "per leader": "每人", "per principal": "每名校长",
    "per lesson": "每课时", "per teacher": "每名教师", "per minute": "每分钟", "points per year": "分/年",
    "points per level": "分/级", "points": "分", "per person": "每人",
}


def field_list() -> list[dict[str, Any]]:
    """Every policy key: name, kind (int, float, bool, choice, list, text), unit, range, default, labels."""
    out = []
    for prefix, model in (("", Policy), ("weights.", Weights)):
        for name, f in model.model_fields.items():
            if name == "weights":
                continue
            key = prefix + name
            extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            lo = next((m.ge for m in f.metadata if hasattr(m, "ge")), None)
            hi = next((m.le for m in f.metadata if hasattr(m, "le")), None)
            ann = f.annotation
            choices: list[str] = []
            if ann is bool:
                kind = "bool"
            elif ann is int:
                kind = "int"
            elif ann is float:
                kind = "float"
            elif get_args(ann) and all(isinstance(a, str) for a in get_args(ann)):
                kind, choices = "choice", list(get_args(ann))
            elif name == "retirement_schedule":
                kind, choices = "choice", ["2025", "fixed"]
            elif name == "principal_min_title":
                kind, choices = "choice", ["senior", "first", "second", "third", "none"]
            elif name == "rotation_levels":
                kind = "list"
            else:
                kind = "text"
            default = f.get_default(call_default_factory=True)
            unit = str(extra.get("unit", ""))
            out.append({"key": key, "kind": kind, "choices": choices, "unit": unit,
                        "unit_zh": _ZH_UNITS.get(unit, unit), "lo": lo, "hi": hi,
                        "default": show(default), "en": f.description or key,
                        "zh": _ZH_LABELS.get(key) or str(extra.get("zh") or key)})
    return out


def show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def flat(policy: Policy) -> dict[str, str]:
    """The policy's values as the form shows them, keys flat (weights.move)."""
    m = policy.to_mapping()
    w = m.pop("weights")
    return {**{k: show(v) for k, v in m.items()}, **{f"weights.{k}": show(v) for k, v in w.items()}}


def parse_form(form: dict[str, str]) -> dict[str, Any]:
    """Form values to policy values (booleans from their select, numbers as numbers where they read as one;
    a value that does not read is passed on as typed, for the policy's own check to name)."""
    out: dict[str, Any] = {}
    for f in field_list():
        raw = str(form.get("p." + f["key"], "")).strip()
        if f["kind"] == "bool":
            out[f["key"]] = raw == "true"
            continue
        if raw == "":
            out[f["key"]] = None
            continue
        if f["kind"] in ("int", "float"):
            try:
                out[f["key"]] = int(raw) if f["kind"] == "int" else float(raw)
            except ValueError:
                out[f["key"]] = raw
        else:
            out[f["key"]] = raw
    return {k: v for k, v in out.items() if v is not None}
