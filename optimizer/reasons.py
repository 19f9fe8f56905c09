"""Every reason sentence of a plan, in English and Chinese, and the words they are made of.

The stages decide; this module words the decision for the person concerned. Each sentence is a message of
the one catalogue (models/messages.py, keys ``reason.*``), so `plan --lang zh` or the policy's ``lang`` gives
the same decisions in the office's language. Schools are always named by name with their code in brackets
(`Words.school`), never by a bare code.
"""

from __future__ import annotations

from collections.abc import Iterable

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

    def list(self, items: Iterable[object]) -> str:
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

    def note(self, key: str, **fields: object) -> str:
        """A stage's note or compliance fact (``note.*``) in the plan's language."""
        return text(f"note.{key}", self.lang, **fields)

    def status(self, status: str) -> str:
        """A CP-SAT status word (optimal, feasible, infeasible, unknown, model_invalid) in the plan's language."""
        key = f"note.status.{status}"
        return text(key, self.lang) if key in _STATUS_KEYS else str(status)

    def person(self, name: str, pid: str) -> str:
        """"王五 (P1)" / "王五（P1）"."""
        return f"{name}（{pid}）" if self.zh else f"{name} ({pid})"

    def semi(self, items) -> str:
        """Clauses joined by a semicolon: "A; B" / "A；B"."""
        return ("；" if self.zh else "; ").join(str(x) for x in items)

    def sentences(self, parts) -> str:
        """Clauses written as sentences: "A. B." (capitalised) / "A。B。"."""
        if self.zh:
            return "".join(str(x) + "。" for x in parts)
        return " ".join(str(x)[:1].upper() + str(x)[1:] + "." for x in parts)

    def more(self, shown: str, n: int) -> str:
        """A shortened list and how many it leaves out: "A, B and 3 more" / "A、B等，另有3个"."""
        return shown + (self.note("and_more", n=n) if n > 0 else "")


def plan_lang(params, policy) -> str:
    """The language reasons are written in: `plan --lang` (SolveParams.lang) where given, else the policy's."""
    return check_lang(getattr(params, "lang", "") or getattr(policy, "lang", None))


# ---- what the stages say beside the figures: compliance facts, relaxations, refusals (``note.*``) ----------
register({
    "note.and_more": (" and {n} more", "等，另有{n}个"),
    "note.semi_and_more": ("; and {n} more", "；另有{n}个"),
    # leaders: R1, R1x, R2, R3, R4, R8
    "note.r1_no_plan": ("no plan was found within the time limit", "在时间限制内未找到方案"),
    "note.r1_relaxed": ("R1 relaxed for {who} because {because}", "R1对{who}放宽，原因：{because}"),
    "note.r1_conflict_one": ("R1 cannot hold for {who}: this leader needs 1 {posts} at {where} and only {open}{tail}",
                             "R1对{who}无法满足：该干部需要{where}的1个{posts}，{open}{tail}"),
    "note.r1_conflict_many": ("R1 cannot hold for {who}: they together need {n} {posts}s at {where} and only "
                              "{open}{tail}",
                              "R1对{who}无法满足：他们共需要{where}的{n}个{posts}，{open}{tail}"),
    "note.open_one": ("1 is open to them", "但只有1个可供安排"),
    "note.open_many": ("{n} are open to them", "但只有{n}个可供安排"),
    "note.open_none": ("0 are open to them", "但没有可供安排的岗位"),
    "note.post": ("{roles} post", "{roles}岗位"),
    "note.or": (" or ", "或"),
    "note.other_schools": ("other schools", "其他学校"),
    "note.other_level_schools": ("other {levels} schools", "其他{levels}学校"),
    "note.level_group_tail": (" (leaders move only within their school level group)", "（干部只在本学段组内调动）"),
    "note.promotion_closed": ("; a promotion to principal is closed to {who}: below principal eligibility (title "
                              "{title} or above, {years} or more teaching years)",
                              "；{who}不能提任校长：未达校长任职资格（职称{title}及以上、教龄{years}年及以上）"),
    "note.r4_conflict": ("R4 cannot hold for township {town}: no principal can take a principal post at its seat "
                         "school(s) {names}",
                         "乡镇{town}无法满足R4：没有校长能到其驻地学校{names}任校长"),
    "note.none": ("none", "无"),
    "note.r4_relaxed": ("R4 relaxed: {why}", "R4已放宽：{why}"),
    "note.lock_one": ("the lock of {who} cannot be honoured", "{who}的锁定无法执行"),
    "note.lock_many": ("the locks of {who} cannot all be honoured", "{who}的锁定无法同时执行"),
    "note.lock_to": ("{person} to {school}", "{person}锁定到{school}"),
    "note.lock_together": (" together with the rules above", "（与上述规则同时）"),
    "note.lock_full": ("{school} has {n} {posts}, held by leaders who stay", "{school}的{n}个{posts}已由留任干部占满"),
    "note.lock_full_tail": (": {full} (R8)", "：{full}（R8）"),
    "note.principal_post": ("principal post", "校长岗位"),
    "note.principal_posts": ("principal posts", "校长岗位"),
    "note.vice-principal_post": ("vice-principal post", "副校长岗位"),
    "note.vice-principal_posts": ("vice-principal posts", "副校长岗位"),
    "note.infeasible": ("Infeasible: {sentences}", "无可行方案：{sentences}"),
    "note.also_relaxed": ("Also relaxed in this plan: {sentences}", "本方案另外放宽：{sentences}"),
    "note.r1x": ("the most possible is the best the open posts of each area allow; every due leader who stays "
                 "within their area is told why in their reason",
                 "“至多”为各区域空缺岗位所能达到的最多人数；留在本区域的应轮岗干部，其理由中均写明原因"),
    "note.r2": ("{n} urban reserve leaders were not in reach of the vacant rural posts",
                "{n}名城区后备干部无法安排到空缺的乡村岗位"),
    "note.r3": ("modelled as a weighted count (a reward per young leader at a rural school), which raises the share "
                "because the number of rural leaders stays almost fixed",
                "按加权人数建模（乡村学校每有一名青年干部即给予奖励），由于乡村干部总数基本不变，可据此提高占比"),
    "note.r3_none": ("no rural leaders in the district", "本县没有乡村学校干部"),
    "note.r8_leaders": ("leader posts: {detail}", "领导岗位：{detail}"),
    "note.r8_teachers": ("teachers: {detail}", "教师：{detail}"),
    "note.r8_over": ("{school} has {n} {role}s for {posts} posts", "{school}有{n}名{role}，职数为{posts}"),
    "note.r8_unfilled": ("the posts left unfilled have no leader or reserve leader in reach",
                         "空缺岗位附近没有可安排的干部或后备干部"),
    "note.r8_level_match": ("leaders move only within their school level group (kindergarten; compulsory; senior "
                            "and vocational)",
                            "干部只在本学段组内调动（幼儿园；义务教育；高中及中职）"),
    "note.r8_reserve_vice": ("reserve leaders are promoted to vice-principal only", "后备干部只提拔为副校长"),
    "note.r8_no_vice_up": ("vice-principals are not promoted to principal (promote_vice_to_principal is off)",
                           "副校长不提任校长（promote_vice_to_principal已关闭）"),
    # leaders: why a reference (plan --lock) post is not open
    "note.ref_none": ("there is no reference", "没有参考方案"),
    "note.ref_locked": ("the office locked them to {school}, and the lock wins",
                        "人事科已将其锁定在{school}，锁定优先"),
    "note.ref_not_leader": ("a leader keeps a leader role in this plan, and {role} is not a principal or "
                            "vice-principal post",
                            "本方案中干部保留干部职务，而{role}不是校长或副校长岗位"),
    "note.ref_no_role": ("no role", "无职务"),
    "note.ref_no_school": ("school '{school}' is not a school of the scenario", "学校“{school}”不在本方案数据中"),
    "note.ref_no_post": ("{school} has no {role} post (R8)", "{school}没有{role}岗位（R8）"),
    "note.ref_level": ("{school} is a {level} school and leaders move only within their school level group "
                       "(leader_level_match)",
                       "{school}属于{level}学校，而干部只在本学段组内调动（leader_level_match）"),
    "note.ref_reserve_vice": ("a reserve leader is promoted to vice-principal only (promote_reserve_to_principal is "
                              "off)",
                              "后备干部只提拔为副校长（promote_reserve_to_principal已关闭）"),
    "note.ref_rural_reserve": ("rural reserve leaders are not promoted (promote_rural_reserve is off)",
                               "乡村后备干部不予提拔（promote_rural_reserve已关闭）"),
    "note.ref_keeps_role": ("a {role} keeps their role when moving{tail}", "{role}调动时保留原职务{tail}"),
    "note.ref_keeps_role_tail": (" (allow_principal_to_vice is off)", "（allow_principal_to_vice已关闭）"),
    "note.ref_must_rotate": ("they have served {terms} terms at {school} and must rotate to another school (R1)",
                             "已在{school}任满{terms}届，必须轮岗到其他学校（R1）"),
    # teachers: why a reference school is not open, why nobody can take a teacher
    "note.tref_no_school": ("the reference school is not a school of the scenario", "参考方案中的学校不在本方案数据中"),
    "note.tref_subject": ("{school} does not teach {subject} (R8 subject fit)",
                          "{school}未开设{subject}课（R8学科对口）"),
    "note.tref_level": ("{school} is a {level} school, outside the teacher's school level group",
                        "{school}是{level}学校，不在该教师的学段组内"),
    "note.tref_r5": ("they finish contract period 1 at {own} and must serve period 2 at a school of the other area, "
                     "not {area} {school} (R5)",
                     "其在{own}的第一聘期已满，第二聘期须到另一类地区的学校，不能到{area}的{school}（R5）"),
    "note.tref_r14": ("their teacher certificate does not cover {school}, a {level} school (R14)",
                      "其教师资格不覆盖{level}学校{school}（R14）"),
    "note.tref_r11": ("a rural teacher reaches an urban school only by R1, R5, the end of a posting or a school they "
                      "ranked, and they did not rank {school} (R11)",
                      "乡村教师只能因R1、R5、交流期满或本人志愿调入城区学校，而其志愿中没有{school}（R11）"),
    "note.tref_r6": ("they are public-funded and short of {years} rural years, so they may not move from rural {own} "
                     "to urban {school} (R6)",
                     "其为公费师范生，农村服务未满{years}年，不得由乡村的{own}调往城区的{school}（R6）"),
    "note.no_demand": ("no school's demand has {subject}", "没有学校有{subject}课时需求"),
    "note.no_p2": ("no fitting school of the other area for period 2 (R5)", "另一类地区没有适合其第二聘期的学校（R5）"),
    "note.no_cert": ("no school teaching {subject} has a level their teacher certificate covers (R14)",
                     "开设{subject}课的学校中，没有其教师资格所覆盖学段的学校（R14）"),
    "note.no_takes": ("no school takes {subject} teachers", "没有学校接收{subject}教师"),
    "note.held_locked": ("locked to {school} by the office", "人事科锁定在{school}"),
    "note.held_r6": ("public-funded with {years} of {asks} rural years, whom R6 keeps from urban schools",
                     "公费师范生，农村服务{years}年（要求{asks}年），R6不允许其调入城区学校"),
    "note.held_p1": ("finishing contract period 1, whom R5 sends to a school of the other area teaching {subject} "
                     "({where})",
                     "第一聘期已满，R5要求其到另一类地区开设{subject}课的学校（{where}）"),
    "note.held_only": ("only {where} of their school level group take {subject} teachers",
                       "其学段组内只有{where}接收{subject}教师"),
    "note.held_new": ("a new hire: only {where} of their school level group take {subject} teachers",
                      "新教师：其学段组内只有{where}接收{subject}教师"),
    "note.held_who": ("{pid} ({why})", "{pid}（{why}）"),
    "note.held_nobody": ("nobody named", "无具体人员"),
    # teachers: the stage's notes and compliance facts
    "note.quota_relaxed": ("teachers: quota {name} relaxed: locked and staying teachers alone exceed it",
                           "教师：编制{name}已放宽：仅锁定和留任的教师就已超出"),
    "note.no_placement": ("teachers: no placement keeps every hard rule; the clerk's placement below breaks them and "
                          "is not a plan",
                          "教师：没有任何安排能遵守全部硬性规则；以下的人工式安排违反这些规则，不是方案"),
    "note.candidates_widened": ("teachers: the nearest few schools of each teacher could not hold everyone within "
                                "the quotas (R8), so {reach} times as many were offered ({pairs} candidate pairs)",
                                "教师：每位教师最近的几所学校在编制（R8）内容纳不下全部教师，已改为提供{reach}倍的候选"
                                "学校（候选{pairs}对）"),
    "note.candidates_all": ("teachers: the nearest few schools of each teacher could not hold everyone within the "
                            "quotas (R8), so every school open to each teacher was offered ({pairs} candidate pairs)",
                            "教师：每位教师最近的几所学校在编制（R8）内容纳不下全部教师，已改为考虑每位教师可去的"
                            "全部学校（候选{pairs}对）"),
    "note.quota_conflict": ("teachers: infeasible: the staff quotas (R8) of {schools} cannot hold the teachers no "
                            "other school can take (seats short in all: {n}): {held}; relaxed by the seats short",
                            "教师：无可行方案：{schools}的编制（R8）容纳不下其他学校都无法接收的教师，共缺{n}个编制："
                            "{held}；已按所缺编制数放宽"),
    "note.quota_short": ("{name} ({n} short)", "{name}（缺{n}个）"),
    "note.r14_stuck": ("teachers: infeasible: R14: {pid} cannot be placed: {why}",
                       "教师：无可行方案：R14：{pid}无法安排：{why}"),
    "note.r8_by_lock": ("{n} teachers placed by the office's lock (locked_school) at a school whose demand lacks "
                        "their subject, accepted as the office's decision (no home lessons there): {who}",
                        "{n}名教师按人事科的锁定（锁定学校）安排到没有其学科课时需求的学校，按人事科的决定接受"
                        "（在该校没有本校课时）：{who}"),
    "note.r8_lock_who": ("{pid} ({subject} at {school})", "{pid}（{subject}，{school}）"),
    "note.r8_misfit": ("no school's demand has the subject of {who}: placed without a subject fit",
                       "没有学校有{who}所教学科的课时需求：安排时学科不对口"),
    "note.r8_misfit_who": ("{pid} ({subject})", "{pid}（{subject}）"),
    "note.r8_over_quota": ("teachers above staff_quota at {listed}{why}", "超出staff_quota的学校：{listed}{why}"),
    "note.r8_over_school": ("{school} ({n} teachers, quota {quota})", "{school}（教师{n}名，编制{quota}）"),
    "note.r8_relaxed_why": ("; relaxed because the quota conflicts with placing new hires and period-2 teachers (R5) "
                            "or with locks: {schools}",
                            "；因编制与安排新教师和第二聘期教师（R5）或与锁定相冲突而放宽：{schools}"),
    "note.r5": ("not bundled, not moved to the other area or not at a bundle school with a free seat: {who}{why}",
                "未捆绑、未调往另一类地区或未安排到有空编的捆绑学校：{who}{why}"),
    "note.r5_why": ("{pid}: {why}", "{pid}：{why}"),
    "note.r6": ("moved rural -> urban: {who}", "由乡村调往城区：{who}"),
    "note.r11_ceiling": ("{k} exchanges, above the ceiling of {ceiling} (exchange_share_max)",
                         "交流{k}人，超过上限{ceiling}人（exchange_share_max）"),
    "note.r14": ("placed where their certificate does not cover the level: {who}",
                 "安排到教师资格不覆盖其学段的学校：{who}"),
    "note.r14_period2": ("{pid} (period 2)", "{pid}（第二聘期）"),
    "note.r14_lock": ("placed by a lock where their certificate does not cover the level (the lock wins over R14): "
                      "{who}",
                      "按锁定安排到教师资格不覆盖其学段的学校（锁定优先于R14）：{who}"),
    "note.r15": ("teachers short of the urban floors: {short}", "低于城区下限的教师缺口：{short}"),
    "note.r15_item": ("{name} {n}", "{name}缺{n}人"),
    "note.r15.backbone_share": ("backbone_share", "城区骨干教师占比"),
    "note.r15.bachelor_share": ("bachelor_share", "城区本科及以上学历教师占比"),
    "note.r15.kindergarten_associate_share": ("kindergarten_associate_share", "城区幼儿园专科及以上学历教师占比"),
    "note.r16": ("postings not honoured: {who}", "未按期执行的交流：{who}"),
    "note.r17": ("schools above their dormitory beds: {schools}", "超出宿舍床位的学校：{schools}"),
    "note.r7_proven": ("coverage proven maximal", "已证明课时覆盖为最大"),
    "note.r7_not_proven": ("coverage not proven maximal within the time limit (gap {gap}); rerun with a longer "
                           "--time-limit",
                           "在时间限制内未能证明课时覆盖为最大（差距{gap}）；请用更长的--time-limit重新运行"),
    # the stages' notes for the office (the terminal's "note:" lines, the run's notes)
    "note.level_group_large": ("Leaders: the {words} level group is too large for every leader to be offered every "
                               "post; wide swap candidates were added instead, so an infeasibility reported there "
                               "is judged on pruned candidates.",
                               "干部：{words}学段组过大，无法让每名干部都考虑每个岗位，已改为加入更多互换候选，"
                               "因此该组报告的无可行方案是基于精简后的候选作出的判断。"),
    "note.r1x_unproven": ("R1x: the most possible crossings were not proven within {limit} s (CP-SAT status "
                          "{status}); {total} is an upper bound, not the most possible.",
                          "R1x：在{limit}秒内未能证明跨城乡交流的最多人数（CP-SAT状态{status}）；{total}是上界，"
                          "不一定能达到。"),
    "note.leaders_fallback": ("Leaders: CP-SAT status {status} within {limit} s; the {which} plan is used.",
                              "干部：CP-SAT在{limit}秒内的状态为{status}；采用{which}方案。"),
    "note.which.min-cost-flow": ("min-cost-flow", "最小费用流"),
    "note.which.greedy": ("greedy", "贪心"),
    "note.leaders_nobody": ("Leaders: CP-SAT status {status} within {limit} s and the greedy plan breaks a hard "
                            "rule; no leader moves. Raise --time-limit.",
                            "干部：CP-SAT在{limit}秒内的状态为{status}，贪心方案违反硬性规则；所有干部不调动。"
                            "请调高--time-limit。"),
    "note.r1x_count": ("R1x: {achieved} crossings of at most {most} (urban->rural {u2r}, rural->urban {r2u})",
                       "R1x：至多{most}人中{achieved}人跨城乡交流（城区到乡村{u2r}人，乡村到城区{r2u}人）"),
    "note.leaders_summary": ("Leaders: {due} due under R1, {moved} rotate, {exempt} exempt (exempt_reason or lock); "
                             "{promoted} promoted.",
                             "干部：按R1应轮岗{due}人，轮岗{moved}人，豁免{exempt}人（免交流原因或锁定）；"
                             "提拔{promoted}。"),
    "note.reserve_one": ("1 reserve leader", "后备干部1人"),
    "note.reserve_many": ("{n} reserve leaders", "后备干部{n}人"),
    "note.ref_leaders": ("Reference plan: {n} of {total} leaders and reserve leaders differ from it{named}",
                         "参考方案：{total}名干部和后备干部中有{n}人与之不同{named}"),
    "note.ref_teachers": ("Reference plan: {n} of {total} teachers differ from it{named}",
                          "参考方案：{total}名教师中有{n}人与之不同{named}"),
    "note.ref_named": (" ({names}); each one's reason says why.", "（{names}），各人的理由中写明原因。"),
    "note.ref_none_changed": (".", "。"),
    "note.r4_no_director": ("R4: township {town} has no district director: no principal can take a seat-school "
                            "principal post",
                            "R4：乡镇{town}没有学区主任：没有校长能到驻地学校任校长"),
    "note.r3_shares": ("R3: young rural leader share {before} -> {after} (target {target})",
                       "R3：乡村学校青年干部占比{before} → {after}（目标{target}）"),
    "note.na": ("n/a", "无"),
    "note.r8_unfilled_posts": ("R8: leader posts left unfilled (no candidate in reach): {shown}",
                               "R8：空缺的领导岗位（附近没有候选人）：{shown}"),
    "note.r8_unfilled_line": ("{school}: {n} {posts}", "{school}：{posts}{n}个"),
    "note.r7_tours": ("R7: township {town}, {subject} teachers of {home}: more than 20,000 day tours; kept the "
                      "shortest 20,000.",
                      "R7：乡镇{town}，{home}的{subject}教师：一日走教路线超过20,000条；保留最短的20,000条。"),
    "note.status.optimal": ("optimal", "最优"),
    "note.status.feasible": ("feasible", "可行"),
    "note.status.infeasible": ("infeasible", "无可行解"),
    "note.status.unknown": ("unknown", "未知"),
    "note.status.model_invalid": ("model_invalid", "模型无效"),
    "note.r13_short": ("only {n} teachers aged {age} or younger without district-level backbone status",
                       "{age}岁及以下且不是县级及以上骨干的教师只有{n}名"),
})
_STATUS_KEYS = {f"note.status.{s}" for s in ("optimal", "feasible", "infeasible", "unknown", "model_invalid")}
