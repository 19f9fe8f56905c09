"""Every reason sentence of a plan, in English and Chinese, and the words they are made of.

The stages decide; this module words the decision for the person concerned. Each sentence is a message of
the one catalogue (models/messages.py, keys ``reason.*``), so `plan --lang zh` or the policy's ``lang`` gives
the same decisions in the office's language. Schools are always named by name with their code in brackets
(`Words.school`), never by a bare code.
"""

from __future__ import annotations

from ..models.messages import check_lang, join, register, school_label, text
from ..models.schema import LEVEL, SUBJECT_ZH

AREA_WORDS = {"urban": ("urban", "城区"), "rural": ("rural", "乡村")}
ROLE_WORDS = {"principal": ("principal", "校长"), "vice_principal": ("vice-principal", "副校长"),
              "teacher": ("teacher", "教师")}
LEVEL_GROUP_WORDS = {"kindergarten": ("kindergarten", "幼儿园"), "compulsory": ("compulsory-education", "义务教育"),
                     "senior": ("senior", "高中及中职")}

register({
    # ---- words -------------------------------------------------------------------------------------------
    "reason.and": (" and ", "，且"),
    "reason.or": (" or ", "或"),
    "reason.reference_plan": ("the reference plan", "参考方案"),
    # ---- R12 ---------------------------------------------------------------------------------------------
    "reason.retire": ("Reaches retirement age ({age}, limit {limit}, on {date}) by 1 September {year}; the post "
                      "becomes a vacancy.",
                      "到{year}年9月1日达到退休年龄（{age}岁，法定退休年龄{limit}，{date}到龄），退休后岗位空出。"),
    "reason.age_years": ("{years} years", "{years}周岁"),
    "reason.age_years_months": ("{years} years {months} months", "{years}周岁{months}个月"),
    "reason.age_years_1month": ("{years} years 1 month", "{years}周岁1个月"),
    # ---- R13 ---------------------------------------------------------------------------------------------
    "reason.r13": ("Selected for young backbone-teacher training (rural teachers first).",
                   "入选青年骨干教师培养对象（乡村教师优先）。"),
    "reason.r13_scored": ("Selected for young backbone-teacher training (rural teachers first, evaluation score "
                          "{score}).",
                          "入选青年骨干教师培养对象（乡村教师优先，考核分{score}）。"),
    # ---- R7 ----------------------------------------------------------------------------------------------
    "reason.itinerant_stop": ("{lessons} at {school}", "{school}{lessons}节"),
    "reason.itinerant": ("Itinerant teacher (R7): also teaches {subject} {where} on {days} day(s) a week, "
                         "{minutes} travel minutes a week with the way back; listed for itinerant-teacher "
                         "evaluation and pay tilt (§2.5).",
                         "走教教师（R7）：每周另有{days}天走教{subject}，{where}，每周往返路程共{minutes}分钟；"
                         "列入走教教师考核和待遇倾斜名单（§2.5）。"),
    # ---- teachers ----------------------------------------------------------------------------------------
    "reason.new_bundled": ("New teacher: contract period 1 at {school}, bundled with period 2 at {period2} under "
                           "bundled hiring.",
                           "新教师：第一聘期在{school}，按城乡捆绑聘用，第二聘期捆绑{period2}。"),
    "reason.new_unbundled": ("New teacher: contract period 1 at {school}; no school of the other area teaches "
                             "{subject}.",
                             "新教师：第一聘期在{school}；另一类地区没有开设{subject}课的学校可作捆绑。"),
    "reason.new_no_fit": ("New teacher placed at {school} without a subject fit: no school's demand has {subject} "
                          "(R8 not met).",
                          "新教师安排到{school}，但学科不对口：没有学校有{subject}课时需求（R8 未满足）。"),
    "reason.new_locked": ("Placed by the office's lock (locked_school).", "按人事科的锁定（锁定学校）安排。"),
    "reason.bundle_second": ("Finished contract period 1 at {from_school}; period 2 at {school} under bundled "
                             "hiring.",
                             "在{from_school}的第一聘期已满；按城乡捆绑聘用，第二聘期到{school}。"),
    "reason.bundle_second_named": ("Finished contract period 1 at {from_school}; period 2 at {school}, the bundle "
                                   "school named at hiring (R5).",
                                   "在{from_school}的第一聘期已满；按聘用时确定的捆绑学校，第二聘期到{school}（R5）。"),
    "reason.bundle_second_other": ("Finished contract period 1 at {from_school}; the bundle school named at hiring, "
                                   "{bundle}, cannot take them: {why}; so under bundled hiring (R5) period 2 is "
                                   "at {school}.",
                                   "在{from_school}的第一聘期已满；聘用时确定的捆绑学校{bundle}无法接收：{why}；"
                                   "故按城乡捆绑聘用（R5），第二聘期改到{school}。"),
    "reason.bundle_same_area": ("it is in the same area as their period-1 school", "该校与第一聘期学校属同一类地区"),
    "reason.bundle_no_subject": ("it does not teach {subject}", "该校未开设{subject}课"),
    "reason.bundle_cert": ("their teacher certificate does not cover a {level} school (R14)",
                           "其教师资格不覆盖该校学段（{level}，R14）"),
    "reason.bundle_full": ("its staff quota of {quota} is taken by the teachers who stay there or are locked "
                           "there (R8)",
                           "该校{quota}名编制已被留任或锁定在该校的教师占满（R8）"),
    "reason.bundle_conflict": ("its staff quota of {quota} is full in this plan (R8)",
                               "本方案中该校{quota}名编制已满（R8）"),
    "reason.bundle_not_full": ("the plan found no placement there in time although it has a free seat (R5 not "
                               "met)",
                               "该校尚有空编，但方案未能及时安排（R5 未满足）"),
    "reason.period2_continuing": ("Continues contract period 1; under bundled hiring (R5) period 2 is at "
                                  "{period2}.",
                                  "继续第一聘期；按城乡捆绑聘用（R5），第二聘期在{period2}。"),
    "reason.exchange": ("Exchanged after {years} years at {from_school}: posted to {school}.",
                        "在{from_school}任教{years}年，交流轮岗至{school}。"),
    # ---- R16 ---------------------------------------------------------------------------------------------
    "reason.r16_posting": ("The posting lasts {years} school years, until the {until} school year; the home school "
                           "stays {home} (R16).",
                           "交流期限{years}学年，至{until}学年止；人事关系保留在{home}（R16）。"),
    "reason.r16_return": ("The posting at {host} ended with the {until} school year: returns to the home school "
                          "{school} (R16).",
                          "在{host}的交流已于{until}学年期满，返回人事关系学校{school}（R16）。"),
    "reason.r16_kept": ("The posting at {host} ended with the {until} school year; ranked {host} first and the "
                        "school keeps them: transferred there, the seat at {home} is freed (R16).",
                        "在{host}的交流已于{until}学年期满；本人第一志愿为{host}，该校留用，正式调入，"
                        "{home}的岗位空出（R16）。"),
    "reason.r16_kept_r6": ("The posting at {host} ended with the {until} school year; as a public-funded teacher "
                           "who still owes rural years (R6) they stay at the rural school {host}: transferred there, "
                           "the seat at {home} is freed (R16).",
                           "在{host}的交流已于{until}学年期满；作为乡村服务年限未满的公费师范生（R6），留在乡村学校"
                           "{host}，正式调入，{home}的岗位空出（R16）。"),
    "reason.r16_continues": ("On a posting from {home} until the {until} school year: stays at {school} (R16).",
                             "由{home}交流至{school}，至{until}学年止，交流期内留任（R16）。"),
    "reason.exchange_need": ("Exchanged after {years} years at {from_school}: posted to {school}, where {subject} "
                             "lessons are needed.",
                             "在{from_school}任教{years}年，交流轮岗至{school}，该校缺{subject}课时。"),
    "reason.locked_transfer": ("Placed at {school} by the office's lock (locked_school), which wins over R5, R6 "
                               "and R11.",
                               "按人事科的锁定（锁定学校）安排到{school}，锁定优先于 R5、R6 和 R11。"),
    "reason.over_quota_move": ("{from_school} is above its staff quota; moves to {school}, which teaches "
                               "{subject}.",
                               "{from_school}超编；调往开设{subject}课的{school}。"),
    "reason.pref_move": ("Moves to {school}, preference rank {rank}, where a seat for {subject} is free.",
                         "按本人第{rank}志愿调往{school}，该校有{subject}空编。"),
    "reason.seat_move": ("Moves to {school}, where a seat for {subject} is free.",
                         "调往{school}，该校有{subject}空编。"),
    "reason.locked_stay_p2": ("Stays at {school} by the office's lock (locked_school), which exempts the period-2 "
                              "move (R5).",
                              "按人事科的锁定（锁定学校）留在{school}，免于第二聘期调动（R5）。"),
    "reason.locked_stay": ("Stays at {school} by the office's lock (locked_school).",
                           "按人事科的锁定（锁定学校）留在{school}。"),
    "reason.p2_impossible": ("Stays at {school}: should move to the other area for period 2, but no school there "
                             "can take a teacher of {subject} (R5 not met).",
                             "留在{school}：第二聘期应到另一类地区，但那里没有学校能接收{subject}教师（R5 未满足）。"),
    "reason.exchange_stay": ("Eligible for exchange after {years} years, stays at {school}: the exchange target "
                             "is met by others whose move helps more.",
                             "任教{years}年，符合交流条件，但留在{school}：交流名额已由调动作用更大的教师完成。"),
    "reason.quota_held": ("Stays at {school} although it is above its staff quota (R8 relaxed): {why}.",
                          "留在{school}，尽管该校超编（R8 放宽）：{why}。"),
    "reason.quota_stay": ("Stays at {school}: other teachers leave to bring it within its staff quota.",
                          "留在{school}：由其他教师调出，使该校不超编。"),
    "reason.pref_stay": ("Stays at {school}: the schools ranked had no free seat for {subject} or teachers with "
                         "more priority points.",
                         "留在{school}：所填志愿学校没有{subject}空编，或有积分更高的教师。"),
    "reason.exempt_stay": ("Stays at {school}: exempt from exchange ({exempt}).",
                           "留在{school}：免于交流（{exempt}）。"),
    "reason.plain_stay": ("Stays at {school}: not due to move, and no rule or wish moves them.",
                          "留在{school}：本年度无需交流，也没有规则或志愿使其调动。"),
    "reason.new_unplaced": ("New teacher: no school could be found for them.", "新教师：未能找到可安排的学校。"),
    "reason.r6_rural": ("Public-funded teacher: {before} rural years served so far, {after} after the coming year "
                        "at a rural school (R6 asks {asks}; {owed} still owed).",
                        "公费师范生：已在乡村服务{before}年，下一学年在乡村学校任教后累计{after}年（R6 要求{asks}年，"
                        "尚欠{owed}年）。"),
    "reason.r6_urban": ("Public-funded teacher: {before} rural years served so far, {after} after the coming year "
                        "at an urban school (R6 asks {asks}; {owed} still owed).",
                        "公费师范生：已在乡村服务{before}年，下一学年在城区学校任教，累计仍为{after}年"
                        "（R6 要求{asks}年，尚欠{owed}年）。"),
    # ---- reference plans (plan --lock) -------------------------------------------------------------------
    "reason.ref_same": ("As in the reference plan.", "与参考方案相同。"),
    "reason.ref_same_move": ("Moves to {school}, as in the reference plan.", "调往{school}，与参考方案相同。"),
    "reason.ref_differs": ("Differs from the reference plan ({was}): it is not kept because {why}.",
                           "与参考方案（{was}）不同：未予保留，原因是{why}。"),
    "reason.ref_differs_leader": ("Differs from the reference plan ({was}): {why}.",
                                  "与参考方案（{was}）不同：{why}。"),
    "reason.ref_not_kept": ("it is not kept because {problem}", "未予保留，原因是{problem}"),
    "reason.ref_kept_breaks": ("keeping it would break a hard rule elsewhere in the plan (its post was needed to "
                               "keep R1, R4 or R8)",
                               "保留它会使方案其他地方违反硬性规则（该岗位须用于满足 R1、R4 或 R8）"),
    "reason.ref_unknown_school": ("a school not in the scenario", "不在本方案数据中的学校"),
    "reason.ref_why_lock": ("the office's lock (locked_school) places them elsewhere",
                            "人事科的锁定（锁定学校）将其安排在别处"),
    "reason.ref_why_hard": ("keeping it would break a hard rule or a staff quota elsewhere in the plan (R5, R6 or "
                            "R8)",
                            "保留它会使方案其他地方违反硬性规则或超编（R5、R6 或 R8）"),
    "reason.ref_role_at": ("{role} at {school}", "{school}{role}"),
    "reason.no_role": ("no role", "无职务"),
    # ---- leaders -----------------------------------------------------------------------------------------
    "reason.leader_exempt": ("Served {terms} terms at {school} but is exempt from rotation ({exempt}); stays as "
                             "{role} (R1 exemption).",
                             "已在{school}任满{terms}届，但免于轮岗（{exempt}），留任{role}（R1 豁免）。"),
    "reason.director": ("Serves as district director of {town} (R4).", "兼任{town}学区主任（R4）。"),
    "reason.reserve_rural": ("Reserve leader teaching at {from_school}; promoted to {role} at {school}, a rural "
                             "leader post {cause} ({lead_in}, R2).",
                             "后备干部，现任教于{from_school}；提拔为{school}{role}，该乡村干部岗位{cause}（{lead_in}，R2）。"),
    "reason.reserve_post": ("Reserve leader teaching at {from_school}; promoted to {role} at {school} to fill a "
                            "leader post {cause} (R8).",
                            "后备干部，现任教于{from_school}；提拔为{school}{role}，填补{cause}的干部岗位（R8）。"),
    "reason.leader_r5_across": ("They finish contract period 1 at {school}: under bundled hiring (R5) period 2 is "
                                "in the {area} area, so only a post there was open to them.",
                                "其在{school}的第一聘期已满：按城乡捆绑聘用（R5），第二聘期须在{area}，只能安排到该区域的"
                                "岗位。"),
    "reason.leader_r5_stays": ("They finish contract period 1 at {school} and should serve period 2 in the {area} "
                               "area, but no post there could take them (R5 not met).",
                               "其在{school}的第一聘期已满，第二聘期应在{area}，但该区域没有可安排的岗位"
                               "（R5 未满足）。"),
    "reason.leader_r6": ("Public-funded with {years} of {asks} rural years: no urban leader post was open to them "
                         "(R6).",
                         "公费师范生，乡村服务{years}年（要求{asks}年）：不得安排到城区岗位（R6）。"),
    "reason.urban_reserve_first": ("urban reserve leaders come first for rural posts", "乡村岗位优先安排城区后备干部"),
    "reason.no_urban_reserve": ("no urban reserve leader was left for it", "已无城区后备干部可派"),
    "reason.reserve_stays": ("Reserve leader; stays a teacher at {school} in this plan.",
                             "后备干部；本方案中继续在{school}任教。"),
    "reason.vice_due_lead": ("Served {terms} terms at {from_school} as vice-principal (due under R1); promoted to "
                             "principal {where}",
                             "已在{from_school}任副校长满{terms}届（按 R1 应轮岗），{where}提任校长"),
    "reason.vice_lead": ("Vice-principal at {from_school}; promoted to principal {where}",
                         "{from_school}副校长，{where}提任校长"),
    "reason.at_school": ("at {school}", "到{school}"),
    "reason.at_own_school": ("at their own school, {school}", "在本校{school}"),
    "reason.vice_up": ("{lead}, a principal post {cause} (R8){tail}.", "{lead}，该校长岗位{cause}（R8）{tail}。"),
    "reason.tail_cross": (", crossing from {a} to {b} (R1x)", "，由{a}跨至{b}（R1x）"),
    "reason.tail_young": ("; aged {age}, they also raise the young rural leader share (R3)",
                          "；现年{age}岁，同时提高乡村年轻干部比例（R3）"),
    "reason.tail_within": (" within the {area} area: {within}", "，仍在{area}范围内：{within}"),
    "reason.cause_retired": ("left vacant by the retirement of {names}", "因{names}退休而空出"),
    "reason.cause_moved_one": ("left vacant when {names} moves on", "因{names}调离而空出"),
    "reason.cause_moved_many": ("left vacant when {names} move on", "因{names}调离而空出"),
    "reason.cause_up_one": ("left vacant when {names} is promoted to principal", "因{names}提任校长而空出"),
    "reason.cause_up_many": ("left vacant when {names} are promoted to principal", "因{names}提任校长而空出"),
    "reason.cause_unfilled": ("that was unfilled", "原本空缺"),
    "reason.cause_open": ("that is open", "尚有空缺"),
    "reason.locked_due_move": ("Served {terms} terms at {from_school} (due under R1) but is locked to {school} by "
                               "the office; the lock takes precedence over R1, so they move as {role} (exempted by "
                               "the lock).",
                               "已在{from_school}任满{terms}届（按 R1 应轮岗），但人事科将其锁定在{school}；"
                               "锁定优先于 R1，因此调往该校任{role}（因锁定豁免）。"),
    "reason.locked_due_stay": ("Served {terms} terms at {from_school} (due under R1) but is locked to {school} by "
                               "the office; the lock takes precedence over R1, so they stay as {role} (exempted by "
                               "the lock).",
                               "已在{from_school}任满{terms}届（按 R1 应轮岗），但人事科将其锁定在{school}；"
                               "锁定优先于 R1，因此留任{role}（因锁定豁免）。"),
    "reason.leader_locked_move": ("Locked to {school} by the office; moves there as {role}.",
                                  "人事科将其锁定在{school}；调往该校任{role}。"),
    "reason.leader_not_rotation_level": ("Leads {school}, a school whose level is not in rotation_levels, so R1 "
                                         "does not make rotation due; stays as {role}.",
                                         "所任{school}的学段不属于轮岗学段，R1不要求轮岗；留任{role}。"),
    "reason.leader_locked_stay": ("Locked to {school} by the office; stays as {role}.",
                                  "人事科将其锁定在{school}；留任{role}。"),
    "reason.due_relaxed": ("Served {terms} terms at {school} (due under R1) but stays as {role}: R1 was relaxed "
                           "because {why}",
                           "已在{school}任满{terms}届（按 R1 应轮岗），但留任{role}：R1 已放宽，原因：{why}"),
    "reason.rotate": ("Served {terms} terms at {from_school} (due under R1); rotates as {as_role} to "
                      "{school}{tail}.",
                      "已在{from_school}任满{terms}届（按 R1 应轮岗），以{as_role}身份轮岗至{school}{tail}。"),
    "reason.principal_as_vice": ("{role} (the policy lets a principal rotate into a vice-principal post)",
                                 "{role}（政策允许校长轮岗到副校长岗位）"),
    "reason.lock_relaxed_move": ("Locked to {lock_school} by the office, but the lock was relaxed because {why} "
                                 "Moves to {school} as {role}.",
                                 "人事科将其锁定在{lock_school}，但该锁定已放宽，原因：{why}调往{school}任{role}。"),
    "reason.lock_relaxed_stay": ("Locked to {lock_school} by the office, but the lock was relaxed because {why} "
                                 "Stays at {school} as {role}.",
                                 "人事科将其锁定在{lock_school}，但该锁定已放宽，原因：{why}留在{school}任{role}。"),
    "reason.not_due_one": ("Has served {terms} term at {school}, fewer than the {need} that make rotation due (R1); "
                           "stays as {role}.",
                           "在{school}已任{terms}届，未满轮岗所需的{need}届（R1）；留任{role}。"),
    "reason.not_due": ("Has served {terms} terms at {school}, fewer than the {need} that make rotation due (R1); "
                       "stays as {role}.",
                       "在{school}已任{terms}届，未满轮岗所需的{need}届（R1）；留任{role}。"),
    "reason.r4_move": ("Not due for rotation; moves as principal from {from_school} to the seat school {school} so "
                       "that township {town} has a district director (R4).",
                       "本年度无需轮岗；由{from_school}调任驻地学校{school}校长，使{town}有学区主任（R4）。"),
    "reason.leader_pref_move": ("Not due for rotation (R1); moves as {role} from {from_school} to {school}, their "
                                "choice no. {rank}.",
                                "本年度无需轮岗（R1）；按本人第{rank}志愿，由{from_school}调任{school}{role}。"),
    "reason.swap_move": ("Not due for rotation (R1); moves as {role} from {from_school} to {school} so that {who}, "
                         "who must rotate under R1, can take the post at {from_school} (too few other posts of "
                         "their level group were open).",
                         "本年度无需轮岗（R1）；由{from_school}调任{school}{role}，以便须按 R1 轮岗的{who}接任"
                         "{from_school}的岗位（同一学段组的其他空岗不足）。"),
    "reason.ref_move": ("Not due for rotation (R1); moves as {role} from {from_school} to {school}.",
                        "本年度无需轮岗（R1）；由{from_school}调任{school}{role}。"),
    "reason.fill_move": ("Not due for rotation; moves as {role} from {from_school} to {school} to fill a post (R8).",
                         "本年度无需轮岗；由{from_school}调任{school}{role}，以填补空岗（R8）。"),
    # ---- R1x: why a due leader rotated within their own area ---------------------------------------------
    "reason.r1x_no_post": ("no {roles} post at {kind} school was left open (those posts went to other due leaders "
                           "or are held by leaders who stay)",
                           "{kind}学校已没有空出的{roles}岗位（这些岗位已安排给其他应轮岗干部，或由留任干部占用）"),
    "reason.r1x_out_of_reach": ("the {other} {roles} posts within reach were all taken by other due leaders (the "
                                "{left} left open are further away)",
                                "可及范围内的{other}{roles}岗位都已安排给其他应轮岗干部（其余{left}个空岗距离更远）"),
    "reason.r1x_open_but": ("the {other} post still open at {school} could not be taken without breaking another "
                            "hard rule or losing more on other goals than the crossing gains",
                            "{school}尚有{other}空岗，但调往该校会违反其他硬性规则，或在其他目标上的损失大于跨城乡的收益"),
    # ---- re-planning around the office's edits (plan --lock) ---------------------------------------------
    "reason.edited_plan": ("the edited plan", "修改后的方案"),
    "reason.edited_source": ("the edited {source}", "修改后的{source}"),
    "reason.retired": ("retired", "退休"),
    "reason.first_plan": ("the plan as first written", "最初生成的方案"),
    "reason.edit_repaired_one": ("The office's edit in {source} ({post}) broke {rules}, a hard rule, and is "
                                 "repaired.",
                                 "人事科在{source}中的修改（{post}）违反硬性规则 {rules}，已予纠正。"),
    "reason.edit_repaired_many": ("The office's edit in {source} ({post}) broke {rules}, hard rules, and is "
                                  "repaired.",
                                  "人事科在{source}中的修改（{post}）违反硬性规则 {rules}，已予纠正。"),
    "reason.edit_kept": ("The office's edit in {source} is kept as an office lock.",
                         "人事科在{source}中的修改作为人事科锁定予以保留。"),
})


class Words:
    """The reason writer of one plan: its language and the scenario's schools, so that every sentence names a
    school the same way."""

    def __init__(self, sc, lang: str | None):
        self.lang = check_lang(lang)
        self.zh = self.lang == "zh"
        sch = sc.schools
        self._name = dict(zip(sch["school_id"].astype(str), sch["name"].astype(str)))
        self._area = dict(zip(sch["school_id"].astype(str), sch["area"].astype(str)))

    def __call__(self, key: str, **fields: object) -> str:
        return text(f"reason.{key}", self.lang, **fields)

    def school(self, school_id: str, area: bool = False) -> str:
        """The school by name, code in brackets (and its area when `area`)."""
        sid = str(school_id)
        return school_label(self._name.get(sid, ""), sid, self.lang,
                            self.area(self._area[sid]) if area and sid in self._area else "")

    def area(self, area: str | bool) -> str:
        """`area`: "urban"/"rural", or True for rural."""
        key = ("rural" if area else "urban") if isinstance(area, bool) else str(area)
        return AREA_WORDS.get(key, (key, key))[self.zh]

    def role(self, role: str) -> str:
        return ROLE_WORDS.get(role, (role, role))[self.zh]

    def level_group(self, group: str) -> str:
        return LEVEL_GROUP_WORDS.get(group, (group, group))[self.zh]

    def level(self, level: str) -> str:
        """A school level (primary, junior ...) in the plan's language."""
        return LEVEL[level][0] if self.zh and level in LEVEL else level

    def subject(self, code: str) -> str:
        return SUBJECT_ZH.get(str(code), str(code)) if self.zh else str(code)

    def number(self, x: float) -> str:
        return f"{x:g}"

    def names(self, items: list[str]) -> str:
        """"A, B and C" / "A、B和C"."""
        items = [str(x) for x in items]
        if len(items) <= 1:
            return "".join(items)
        if self.zh:
            return "、".join(items[:-1]) + "和" + items[-1]
        return ", ".join(items[:-1]) + " and " + items[-1]

    def list(self, items: list[str]) -> str:
        """A plain list: "A, B" / "A、B"."""
        return ("、" if self.zh else ", ").join(str(x) for x in items)

    def age(self, months: int) -> str:
        """A statutory retirement age given in months: 60 years 5 months / 60周岁5个月."""
        y, m = divmod(int(months), 12)
        if m == 1:
            return self("age_years_1month", years=y)
        return self("age_years_months", years=y, months=m) if m else self("age_years", years=y)

    def join(self, *parts: str) -> str:
        """Sentences of one reason, joined the way the language writes them."""
        return join(list(parts), self.lang)


def plan_lang(params, policy) -> str:
    """The language reasons are written in: `plan --lang` (SolveParams.lang) where given, else the policy's."""
    return check_lang(getattr(params, "lang", "") or getattr(policy, "lang", None))
