"""`rotaplan explain PERSON [PLAN]`: why this person goes where they go, in plain sentences.

Computed from the scenario, the plan and the policy only (no solver): the rule ids and the plan's own
reason, the data used about the person, the rules that applied to them (R1, R1x, R2, R3, R4 for leaders;
R5, R6, R7, R8, R11 for teachers; R12 for everyone), their priority points (weights.points_*), and for
every school they ranked higher than where they go, what blocked it: a hard rule, a full staff quota
(and who filled it), or someone with more priority points who got it (named). Works on any plan,
the optimizer's or one edited by hand.

No rule arithmetic here: who is due, eligible, exempted by a lock, what a week's travel is, what the
district's figures are — all of it comes from models/figures.py, computed from the plan's rows, so an
explanation says what compliance.csv, kpis.json and report.html say.

Every sentence is a message `explain.*` of the catalogue (models/messages.py), in English or Chinese
(`lang`); schools are named by name with their code in brackets, rule ids and parameter names stay as
the policy spells them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..models import figures as F
from ..models import messages
from ..models.errors import Problem, ScenarioError
from ..models.priority import priority_points
from ..models.schema import BACKBONE_RANK, LEADER_ROLES
from . import words

ROLE_WORDS = {"principal": "principal", "vice_principal": "vice-principal", "teacher": "teacher",
              "retired": "retired"}
MAX_NAMES = 5  # people named in one sentence; the rest are counted

messages.register({
    "explain.no_person": ("no such person in this plan", "本方案中没有此人"),
    "explain.params": ("Parameters and weights that mattered: {params}.", "相关参数和权重：{params}。"),
    # counted words
    "explain.n.cterm.one": ("{n} consecutive term", "连续{n}个任期"),
    "explain.n.cterm.many": ("{n} consecutive terms", "连续{n}个任期"),
    "explain.n.term.one": ("{n} term", "{n}个任期"),
    "explain.n.term.many": ("{n} terms", "{n}个任期"),
    "explain.n.year.one": ("{n} year", "{n}年"),
    "explain.n.year.many": ("{n} years", "{n}年"),
    "explain.n.post.one": ("{n} post", "{n}个职位"),
    "explain.n.post.many": ("{n} posts", "{n}个职位"),
    "explain.n.rolepost.one": ("{n} {role} post", "{n}个{role}职位"),
    "explain.n.rolepost.many": ("{n} {role} posts", "{n}个{role}职位"),
    "explain.or": (" or ", "或"),
    "explain.man": ("man", "男"),
    "explain.woman": ("woman", "女"),
    "explain.men": ("men", "男性"),
    "explain.women": ("women", "女性"),
    "explain.who_points": ("{name} ({pid}, {pts} points)", "{name}（{pid}，{pts}分）"),
    "explain.who_area": ("{who} ({area})", "{who}（{area}）"),
    # headline
    "explain.headline": ("{name}, {now}: {when} {outcome}.", "{name}，{now}：{when}{outcome}。"),
    "explain.subj": (" of {subject}", "{subject}"),
    "explain.now": ("{role}{subj} at {school}", "{school}{subj}{role}"),
    "explain.now_new": ("a new {subject}teacher to place", "待安置的新聘{subject}教师"),
    "explain.when": ("from 1 September {year}", "自{year}年9月1日起"),
    "explain.out.stay": ("stays at {to} as {role}", "留任{to}{role}"),
    "explain.out.rotate": ("rotates to {to} as {role}", "轮岗到{to}任{role}"),
    "explain.out.promote": ("is promoted to {role} at {to}", "提拔为{to}{role}"),
    "explain.out.exchange": ("is exchanged to {to}", "交流到{to}"),
    "explain.out.place_new": ("is placed at {to} for contract period 1{bundle}", "第一聘期安置在{to}{bundle}"),
    "explain.out.bundle": (", bundled with {school} for period 2", "，第二聘期捆绑{school}"),
    "explain.out.bundle_second": ("moves to {to} for contract period 2", "第二聘期调往{to}"),
    "explain.out.transfer": ("transfers to {to} as {role}", "调往{to}任{role}"),
    "explain.out.return": ("returns to the home school {to} at the end of the posting", "交流期满返回人事关系学校{to}"),
    "explain.out.retire": ("retires", "退休"),
    "explain.out.other": ("{move}: {to} as {role}", "{move}：{to}，任{role}"),
    "explain.out.new_role": ("stays at {to}, now as {role}", "留在{to}，改任{role}"),
    # rules and data
    "explain.rules": ("Rules behind this decision: {rules}.", "本决定依据的规则：{rules}。"),
    "explain.no_rules": ("No rule id is recorded for this decision.", "本决定未记录规则编号。"),
    "explain.reason": (" The plan's reason: \"{reason}\"", "方案给出的理由：“{reason}”"),
    "explain.data": ("Data used about them: {facts}.", "所用的本人数据：{facts}。"),
    "explain.fact.age": ("age {age} on 1 September {year} ({gender})", "{year}年9月1日{age}周岁（{gender}）"),
    "explain.fact.leader": ("{terms} and {years} at {school}", "在{school}任职{years}，{terms}"),
    "explain.fact.years": ("{years} at {school}", "在{school}任职{years}"),
    "explain.fact.period": ("contract period {cp}, {py} year(s) served", "第{cp}聘期，已满{py}年"),
    "explain.fact.subject": ("subject {subject}", "学科：{subject}"),
    "explain.fact.degree": ("degree {degree}", "学历：{degree}"),
    "explain.fact.backbone": ("backbone level {level}", "骨干级别：{level}"),
    "explain.fact.rural": ("{years} rural service years", "农村服务{years}年"),
    "explain.fact.public_funded": ("public-funded teacher (公费师范生)", "公费师范生"),
    "explain.fact.reserve": ("reserve leader (后备干部)", "后备干部"),
    "explain.fact.not_itinerant": ("not available for itinerant teaching", "不可走教"),
    "explain.fact.exempt": ("exempt from mandatory moves: {reason}", "免交流：{reason}"),
    "explain.fact.locked": ("locked by the office to {school}", "人事科锁定在{school}"),
    "explain.fact.ranked": ("ranked schools {schools}", "志愿学校：{schools}"),
    # R12
    "explain.r12.due": ("R12: aged {age} on 1 September {year}; the statutory retirement date for {sex} ({schedule} "
                        "schedule) is {date}, on or before 1 September: they retire and their post becomes a vacancy.",
                        "R12：{year}年9月1日{age}周岁；按{schedule}退休办法，{sex}法定退休日期为{date}，不晚于9月1日："
                        "退休，其岗位成为空缺。"),
    "explain.r12.not_due": ("R12: aged {age}; the statutory retirement date for {sex} ({schedule} schedule) is {date}, "
                            "after 1 September {year}: retiring them breaks R12 (a hard rule).",
                            "R12：{age}周岁；按{schedule}退休办法，{sex}法定退休日期为{date}，晚于{year}年9月1日："
                            "让其退休违反R12（硬性规则）。"),
    "explain.r12.unknown_date": ("unknown", "不详"),
    # R1, R1x
    "explain.r1.exempt": ("R1: {terms} at {school}, but exempt from R1, R1x and R11 ({reason}), so no move is "
                          "required.", "R1：在{school}{terms}，但免于R1、R1x和R11（{reason}），无须调动。"),
    "explain.r1.locked": ("R1: the office locked them to {school}; a lock wins over R1, R1x, R5, R6 and R11, so the "
                          "plan places them there.",
                          "R1：人事科将其锁定在{school}；锁定优先于R1、R1x、R5、R6和R11，方案按锁定安排。"),
    "explain.r1.due": ("R1: {terms} at {school}, and rotation_terms is {rt} (terms of {ty} years), so they are due to "
                       "rotate to another school, keeping a leader role.",
                       "R1：在{school}{terms}，rotation_terms为{rt}（每个任期{ty}年），任期届满，应轮岗到其他学校并"
                       "继续担任校级干部。"),
    "explain.r1.due_stays": (" They stay although due: this plan breaks R1, a hard rule.",
                             "届满而未轮岗：本方案违反R1（硬性规则）。"),
    "explain.r1.due_leaves": (" They leave leadership ({role}): this breaks R1.",
                              "不再担任校级干部（{role}）：违反R1。"),
    "explain.r1.due_rotates": (" They rotate to {school} as {role}.", "轮岗到{school}任{role}。"),
    "explain.r1.not_due": ("R1: {terms} at {school}, fewer than rotation_terms = {rt}, so R1 does not require a move.",
                           "R1：在{school}{terms}，少于rotation_terms = {rt}，R1不要求调动。"),
    "explain.r1.moves_anyway": (" They move all the same to fill a post (the plan's reason says why).",
                                "但为补足职位仍调动（原因见方案给出的理由）。"),
    "explain.r1x.cross": ("R1x: {a} → {b}: the move crosses the urban–rural line, as R1x asks of due leaders "
                          "(weights.r1x_crossing = {w} per crossing).",
                          "R1x：{a} → {b}：跨城乡交流，符合R1x对任期届满校级干部的要求（weights.r1x_crossing = "
                          "每次{w}）。"),
    "explain.r1x.held.one": ("{n} is", "{n}个"),
    "explain.r1x.held.many": ("{n} are", "{n}个"),
    "explain.r1x.within": ("R1x: they stay within the {area} area. Of the {posts} at {other} schools, {held} held by "
                           "leaders who stay there",
                           "R1x：仍在{area}范围内。{other}学校的{posts}中，{held}由留任干部担任"),
    "explain.r1x.movers": (" and {n} went to other movers ({names})", "，{n}个由其他调动人员担任（{names}）"),
    "explain.r1x.mover": ("{who} from {school}", "{who}（来自{school}）"),
    "explain.r1x.vacant": ("; {posts} across the line stayed vacant ({names}), so no rule blocked a crossing: the plan "
                           "weighed it against its other goals.",
                           "；另一类区域有{posts}空缺（{names}），并无规则阻止跨城乡，是方案与其他目标权衡的结果。"),
    "explain.r1x.none_left": (": no post across the line was left for them.", "：另一类区域已无可供其担任的职位。"),
    # R2, R3, R4
    "explain.r2.retires": ("{who} retires (R12)", "{who}退休（R12）"),
    "explain.r2.moves": ("{who} moves to {school}", "{who}调往{school}"),
    "explain.r2.freed": ("the {role} post at {school} was open because {names}", "{school}的{role}职位因{names}而空缺"),
    "explain.r2.open": ("{school} had an open {role} post", "{school}有空缺的{role}职位"),
    "explain.r2.urban": ("R2 gives vacant rural leader posts to reserve leaders from urban schools first "
                         "(weights.r2_urban_reserve = {w} per post)",
                         "R2规定乡村空缺校级干部职位优先由城区学校的后备干部担任（weights.r2_urban_reserve = "
                         "每个职位{w}）"),
    "explain.r2.rural": ("rural reserve leaders may fill rural leader posts too (promote_rural_reserve = {v})",
                         "乡村后备干部也可担任乡村校级干部职位（promote_rural_reserve = {v}）"),
    "explain.r2.fill": ("R8 asks that vacant leader posts be filled", "R8要求补足空缺的校级干部职位"),
    "explain.r2.text": ("R2: a reserve leader at {school}; {freed}; {rule}.",
                        "R2：{school}的后备干部；{freed}；{rule}。"),
    "explain.r2.none": ("R2: a reserve leader, not promoted this year: no rural leader post was filled by a promotion.",
                        "R2：后备干部，今年未提拔：没有乡村校级干部职位通过提拔补充。"),
    "explain.r2.others": ("R2: a reserve leader, not promoted this year: the {n} rural leader post(s) filled by "
                          "promotion went to {names}.",
                          "R2：后备干部，今年未提拔：通过提拔补充的{n}个乡村校级干部职位由{names}担任。"),
    "explain.r3": ("R3: aged {age}, {cmp} young_age = {ya}, so {where} they {count} as a young rural leader (target "
                   "{target}% of rural leaders){figs}.",
                   "R3：{age}周岁，{cmp}young_age = {ya}，{where}{count}乡村年轻校级干部（目标：乡村校级干部的"
                   "{target}%）{figs}。"),
    "explain.r3.young": ("at or under", "不超过"),
    "explain.r3.old": ("over", "超过"),
    "explain.r3.at_rural": ("at a rural school", "在乡村学校"),
    "explain.r3.leaving": ("leaving a rural school", "离开乡村学校后"),
    "explain.r3.count": ("count", "计入"),
    "explain.r3.not_count": ("do not count", "不计入"),
    "explain.r3.figs": ("; young rural leaders are {b}% before and {a}% after the plan",
                        "；乡村年轻校级干部占比调整前{b}%，调整后{a}%"),
    "explain.r4.director": ("R4: as principal of {school}, a seat school of township {town}, they are the district "
                            "director (学区主任) of {town}.",
                            "R4：作为{town}驻地学校{school}的校长，兼任{town}学区主任。"),
    "explain.r4.seat": ("R4: {school} is a seat school of {town}; the district director of {town} is {who}.",
                        "R4：{school}是{town}驻地学校；{town}学区主任：{who}。"),
    "explain.r4.nobody": ("nobody in this plan (R4 is broken)", "本方案中无人担任（违反R4）"),
    # R5, R6
    "explain.r5.new": ("R5: a new hire: contract period 1 at {school}{bundle}.",
                       "R5：新聘人员：第一聘期在{school}{bundle}。"),
    "explain.r5.no_bundle": (", with no period-2 school", "，未指定第二聘期学校"),
    "explain.r5.lock": (" The office's lock wins over R5.", "人事科的锁定优先于R5。"),
    "explain.r5.same_area": (" The period-2 school is of the same area: this breaks R5 (the bundle must cross the "
                             "line).", "第二聘期学校与第一聘期同属一类区域：违反R5（捆绑须跨城乡）。"),
    "explain.r5.missing": (" R5 asks for a bundled period-2 school of the other area: this breaks R5.",
                           "R5要求捆绑另一类区域的第二聘期学校：违反R5。"),
    "explain.r5.need": (" {school} needs {dem} weekly {subject} lessons and its own teachers could cover {cov} of them "
                        "before this plan.", "{school}每周需要{subject}课{dem}节，调整前本校教师可承担{cov}节。"),
    "explain.r5.finished": ("R5: finished contract period 1 ({py} of term_years = {ty} years) at {school}, so period 2 "
                            "must be at a school of the other area.",
                            "R5：已在{school}满第一聘期（{py}年，term_years = {ty}），第二聘期须到另一类区域的学校。"),
    "explain.r5.stays_area": (" They stay in the {area} area: this breaks R5, a hard rule.",
                              "仍留在{area}：违反R5（硬性规则）。"),
    "explain.r5.goes": (" They go to {school}.", "调往{school}。"),
    "explain.r5.bundle_named": (" The bundle school named at hiring is {school}.", "聘用时确定的捆绑学校为{school}。"),
    "explain.r5.at_bundle": (" They go to it.", "按捆绑调往该校。"),
    "explain.r5.bundle_full": (" It is full in this plan (staff quota, R8), so they go to {school}.",
                               "本方案中该校满编（R8），故调往{school}。"),
    "explain.r5.bundle_closed": (" It cannot take them (it is of the same area, does not teach their subject, or "
                                 "their certificate does not cover it, R14), so they go to {school}.",
                                 "该校无法接收（同属一类区域、未开设其学科或教师资格不覆盖该学段，R14），故调往{school}。"),
    "explain.r5.bundle_missed": (" It could take them: going elsewhere breaks R5, a hard rule.",
                                 "该校可以接收：改派他校违反R5（硬性规则）。"),
    "explain.r5.in_period1": ("R5: in contract period 1 ({py} of {ty} years served): no period change this year.",
                              "R5：第一聘期中（已满{py}年，共{ty}年）：今年不换聘期。"),
    "explain.r16.posting": ("On a posting (R16) for {years} school years: belongs to {home} and returns there "
                            "after the {until} school year.",
                            "交流（R16）期限{years}个学年：人事关系在{home}，{until}学年结束后返回。"),
    "explain.r17.bed": ("Lives more than {minutes} minutes from {school}, so takes one of its {beds} dormitory beds "
                        "(R17).", "住址距{school}超过{minutes}分钟，安排住该校{beds}张周转宿舍床位之一（R17）。"),
    "explain.couple.same": ("Spouse {spouse} works at {school}, in the same township ({township}).",
                            "配偶{spouse}在{school}工作，同在{township}。"),
    "explain.couple.apart": ("Spouse {spouse} works at {school} ({township}), another township: keeping couples "
                             "together is a weighted goal, outweighed here by the rules above.",
                             "配偶{spouse}在{school}（{township}）工作，不在同一乡镇：夫妻同乡镇是加权目标，"
                             "此处让位于上述规则。"),
    "explain.r5.period2_at": (" Period 2 at {school}.", "第二聘期在{school}。"),
    "explain.r6.done": ("R6: public-funded, with {rsy} rural service years of the {owed} owed already served, so R6 no "
                        "longer limits their moves.",
                        "R6：公费师范生，已在农村服务{rsy}年（应服务{owed}年），R6不再限制其调动。"),
    "explain.r6.short": ("R6: public-funded, with {rsy} of the {owed} rural service years owed (segments added up): "
                         "they may not move from a rural to an urban school except into the urban period of their own "
                         "bundle; after this plan their total is {total} years.",
                         "R6：公费师范生，农村服务{rsy}年（应服务{owed}年，分段合并计算）：除本人捆绑的城区聘期外，"
                         "不得由乡村学校调往城区学校；本方案后累计{total}年。"),
    "explain.r6.lock": (" The office locked them to {school}, an urban school; a lock wins over R6, so this move is "
                        "exempted by the lock.",
                        "人事科将其锁定在城区学校{school}；锁定优先于R6，此调动因锁定豁免。"),
    "explain.r6.broken": (" This plan moves them rural → urban: that breaks R6.", "本方案将其由乡村调往城区：违反R6。"),
    # R11, R8, R7
    "explain.r11.rural": ("R11: {school} is a rural school; an exchange is a posting from an urban school to a rural "
                          "one, so R11 does not concern them.",
                          "R11：{school}是乡村学校；交流是由城区学校到乡村学校的轮岗，R11不涉及本人。"),
    "explain.r11.few": ("R11: {years} at {school}, fewer than exchange_after_years = {ea}: not eligible for exchange.",
                        "R11：在{school}任职{years}，少于exchange_after_years = {ea}：不符合交流条件。"),
    "explain.r11.exempt": ("R11: {years} years at an urban school, but exempt ({reason}): not eligible for exchange.",
                           "R11：在城区学校任职{years}年，但免交流（{reason}）：不符合交流条件。"),
    "explain.r11.old": ("R11: aged {age}, not below {param} = {limit}: exempt from exchange by age, so not eligible.",
                        "R11：现年{age}岁，未低于{param} = {limit}：按年龄免交流，不符合交流条件。"),
    "explain.r11.finishing": ("R11: finishing contract period 1 ({py} of term_years = {ty} years): they serve period 2 "
                              "in the other area under R5, not on an exchange posting, so they are not eligible.",
                              "R11：第一聘期即将期满（已{py}年，term_years = {ty}）：按R5到另一区域任第二聘期，"
                              "不作为交流轮岗，不符合交流条件。"),
    "explain.r11.lock": ("R11: eligible ({years} years at an urban school), but the office locked them to {school}; a "
                         "lock wins over R11, so they are exempted by the lock and not counted among the eligible.",
                         "R11：符合交流条件（在城区学校任职{years}年），但人事科将其锁定在{school}；锁定优先于R11，"
                         "因锁定豁免，不计入符合条件人数。"),
    "explain.r11.head": ("R11: {years} at {school}, an urban school, at least exchange_after_years = {ea}, not exempt, "
                         "below {param} = {limit} and not finishing contract period 1, so eligible for a posting to a "
                         "rural school; R11 asks that at least {share}% of the {el} eligible teachers go ({need}) this "
                         "year and at most {share_max}% ({ceiling}), district-level-or-above backbone teachers being "
                         "at least {bshare}% of them.",
                         "R11：在城区学校{school}任职{years}，达到exchange_after_years = {ea}，未免交流，低于{param} = "
                         "{limit}，且不在第一聘期期满之时，符合到乡村学校交流的条件；R11要求今年{el}名符合条件教师中"
                         "至少{share}%（{need}人）、至多{share_max}%（{ceiling}人）交流，其中区级及以上骨干教师不少于"
                         "{bshare}%。"),
    "explain.r11.moves": (" They are one of the {mv} eligible teachers posted to a rural school",
                          "本人是交流到乡村学校的{mv}名符合条件教师之一"),
    "explain.r11.backbone": (", and as a {level}-level backbone teacher one of the {bb} district-level-or-above "
                             "backbone teachers among them",
                             "，并作为{level}骨干教师计入其中{bb}名区级及以上骨干教师"),
    "explain.r11.school_backbone": (", a school-level backbone teacher, whom R11 does not count as backbone (district "
                                    "level or above)",
                                    "；本人为校级骨干教师，R11不计为骨干教师（须区级及以上）"),
    "explain.r11.end": (".", "。"),
    "explain.r11.not_among": (" They are not among the {mv} who go ({met}).", "本人不在交流的{mv}人之中（{met}）。"),
    "explain.r11.met": ("so the target is met without them", "不需本人即已达到目标"),
    "explain.r11.short": ("short of the target", "尚未达到目标"),
    "explain.r8.broken": ("R8: {why}: placing them there breaks the subject/level fit, a hard rule.",
                          "R8：{why}：安排到该校违反学科/学段匹配（硬性规则）。"),
    "explain.r8.load": ("{school} needs {dem} weekly {subject} lessons; they teach {home} of them (a full load is "
                        "teacher_load = {load}).",
                        "{school}每周需要{subject}课{dem}节；本人承担{home}节（满工作量teacher_load = {load}节）。"),
    "explain.r7.stop": ("{school} ({n} {subject} lessons, {m} min)", "{school}（{subject}课{n}节，{m}分钟）"),
    "explain.r7.back": (", back to {school} ({m} min)", "，返回{school}（{m}分钟）"),
    "explain.r7.day": ("day {day}: {stops}", "星期{day}：{stops}"),
    "explain.r7": ("R7: an itinerant teacher of township {town}: besides their home lessons at {school} they teach "
                   "{lessons} lessons a week at other schools, where lessons would otherwise go uncovered — {days}. "
                   "Travel {minutes} minutes a week with the way back; limits: at most max_schools_per_day = {ms} "
                   "schools and max_travel_minutes_per_day = {mt} minutes a day. Listed for itinerant-teacher "
                   "evaluation and pay tilt.",
                   "R7：{town}走教教师：除在{school}的本校课时外，每周到其他学校上{lessons}节课，否则这些课无人"
                   "承担——{days}。每周路程{minutes}分钟（含返程）；限制：每天最多max_schools_per_day = {ms}所"
                   "学校、max_travel_minutes_per_day = {mt}分钟。列入走教教师评优评先和待遇倾斜名单。"),
    # why no move
    "explain.ws.locked": ("the office locked them to {school}", "人事科将其锁定在{school}"),
    "explain.ws.exempt": ("they are exempt ({reason})", "本人免交流（{reason}）"),
    "explain.ws.terms": ("they have served {terms}, fewer than rotation_terms = {rt} (R1)",
                         "任职{terms}，少于rotation_terms = {rt}（R1）"),
    "explain.ws.not_p1": ("they are not finishing contract period 1 (R5)", "不是第一聘期届满（R5）"),
    "explain.ws.years": ("{years} at their school is fewer than exchange_after_years = {ea} (R11)",
                         "在本校任职{years}，少于exchange_after_years = {ea}（R11）"),
    "explain.ws.r11_met": ("R11's exchange target ({need} of {el} eligible) is met by others",
                           "R11的交流目标（{el}名符合条件者中{need}人）已由他人完成"),
    "explain.ws.needed": ("{school} still needs them: {dem} weekly {subject} lessons",
                          "{school}仍需要本人：每周{subject}课{dem}节"),
    "explain.ws.quota": ("their school is within its staff_quota ({n} of {q} teachers)",
                         "本校未超编（staff_quota {q}人，现有{n}人）"),
    "explain.ws.none": ("Why no move: no rule required one and the plan found no better place for them.",
                        "为何不调动：没有规则要求调动，方案也没有找到更合适的学校。"),
    "explain.ws.text": ("Why no move was needed: {why}.", "为何无须调动：{why}。"),
    # ranked schools
    "explain.pref.points": ("Priority points: {rsy} rural years × {wr} + backbone level {bb} ({rank}) × {wb} + {yrs} "
                            "years at their school × {wy} + {mount} mountainous school × {wm} = {pts} points.",
                            "积分：农村服务{rsy}年 × {wr} + 骨干级别{bb}（{rank}）× {wb} + 本校任职{yrs}年 × {wy} + "
                            "{mount}山区学校 × {wm} = {pts}分。"),
    "explain.pref.mount_yes": ("a", "是"),
    "explain.pref.mount_no": ("no", "非"),
    "explain.pref.granted": ("Choice {rank}, {school}: granted.", "第{rank}志愿{school}：满足。"),
    "explain.pref.denied": ("Choice {rank}, {school}: not given — {why}.", "第{rank}志愿{school}：未满足——{why}。"),
    "explain.pref.none": ("None of their ranked schools could be given; they go to {school}.",
                          "所报志愿均未能满足；安排到{school}。"),
    "explain.bl.not_school": ("it is not a school of the scenario", "情景数据中没有该学校"),
    "explain.bl.locked": ("the office locked them to {school}", "人事科将其锁定在{school}"),
    "explain.bl.rule": ("hard rule {rule}: {why}", "硬性规则{rule}：{why}"),
    "explain.bl.rule_plain": ("hard rule: {why}", "硬性规则：{why}"),
    "explain.bl.own_exchange": ("it is their own school, and the plan chose them for exchange (R11)",
                                "这是本人所在学校，方案选其交流（R11）"),
    "explain.bl.own": ("it is their own school, which they leave under the rule given above",
                       "这是本人所在学校，按上述规则须调离"),
    "explain.bl.quota": ("quota full: {school} may hold {q} teachers (staff_quota) and holds {n} after the plan, "
                         "{stayers} who stay",
                         "编制已满：{school}编制{q}人（staff_quota），调整后{n}人，其中留任{stayers}人"),
    "explain.bl.placed": (" and {n} placed by this plan: {names}", "，本方案调入{n}人：{names}"),
    "explain.bl.more_pts": (" ({names} with more priority points than their {pts})",
                            "（{names}的积分高于本人的{pts}分）"),
    "explain.bl.got": ("{names}, with more priority points than their {pts}, got the {subject} place(s) there",
                       "积分高于本人{pts}分的{names}获得了该校的{subject}岗位"),
    "explain.bl.envy": ("no hard rule or quota blocked it, yet {names} got a {subject} place there with no more "
                        "priority points than their {pts}: avoiding this (justified envy) is a soft goal (weights.envy "
                        "= {w}) the plan traded against lesson coverage; they may ask the office to review it",
                        "没有硬性规则或编制限制，但积分不高于本人{pts}分的{names}获得了该校{subject}岗位：避免这种"
                        "情况（合理嫉妒）是软目标（weights.envy = {w}），方案将其与课时覆盖权衡；本人可请人事科复核"),
    "explain.bl.covered": ("its {dem} weekly {subject} lessons are all covered by the teachers it has, so a move there "
                           "adds no lessons (weights.coverage = {wc} per lesson) and costs a move (weights.move = "
                           "{wm})",
                           "该校每周{dem}节{subject}课已由现有教师全部承担，调入不增加课时覆盖（weights.coverage = "
                           "每节{wc}），反而多一次调动（weights.move = {wm}）"),
    "explain.bl.needed": ("no hard rule, quota or person with more points stood in the way: the plan needed them more "
                          "where they go, weighing lesson coverage (weights.coverage = {wc}, × {wr} at rural schools) "
                          "against their wish",
                          "没有硬性规则、编制或积分更高者阻碍：方案权衡课时覆盖（weights.coverage = {wc}，乡村学校 × "
                          "{wr}）与本人志愿，认为本人在所去学校更为需要"),
    "explain.lb.r1": ("hard rule R1: a due leader leaves their own school", "硬性规则R1：任期届满的校级干部须离开本校"),
    "explain.lb.no_post": ("hard rule R8: {school} has no {role} post", "硬性规则R8：{school}没有{role}职位"),
    "explain.lb.area": ("it would keep them in the {area} area, while R1x asks due leaders to cross the urban–rural "
                        "line (weights.r1x_crossing = {w})",
                        "那会让其留在{area}，而R1x要求任期届满校级干部跨城乡交流（weights.r1x_crossing = {w}）"),
    "explain.lb.open": ("a post was open, but the plan needed them more where they go (R1x crossings, R3 young rural "
                        "leaders, R4 directors and filled posts weigh more than a preference)",
                        "该校有空缺职位，但方案认为本人在所去学校更为需要（R1x跨城乡、R3乡村年轻干部、R4学区主任和"
                        "补足职位的权重高于个人志愿）"),
    "explain.lb.not_due": ("not due to rotate", "任期未满"),
    "explain.lb.exempt": ("exempt or locked", "免交流或已锁定"),
    "explain.lb.stays": ("{who}, who stays ({why})", "留任的{who}（{why}）"),
    "explain.lb.more": ("{who}, with more priority points than their {pts}", "积分高于本人{pts}分的{who}"),
    "explain.lb.placed": ("{who}, placed there for {rules}", "因{rules}调入的{who}"),
    "explain.lb.other_goals": ("the plan's other goals", "方案的其他目标"),
    "explain.lb.held.one": ("its {n} {role} post is held by {names}", "该校的{n}个{role}职位由{names}担任"),
    "explain.lb.held.many": ("its {n} {role} posts are held by {names}", "该校的{n}个{role}职位由{names}担任"),
})


@dataclass
class Explanation:
    person_id: str
    kind: str  # leader, reserve leader, new hire, teacher, retiree
    headline: str
    paragraphs: list[str] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)  # policy parameters and weights that mattered
    lang: str = "en"

    def text(self) -> str:
        out = [self.headline, ""] + [p for p in self.paragraphs if p]
        if self.parameters:
            sep = "；" if self.lang == "zh" else ", "
            out += ["", messages.text("explain.params", self.lang,
                                      params=sep.join(f"{k} = {_num(v)}" for k, v in self.parameters.items()))]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text()


def _num(v) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _names(people: list[str], lang: str | None = None) -> str:
    return words.names(people, lang, MAX_NAMES)


def _count(unit: str, n: int, lang: str | None = None, **fields) -> str:
    """`n` of a counted word ('2 consecutive terms' / '连续2个任期')."""
    return messages.text(f"explain.n.{unit}.{'one' if n == 1 else 'many'}", lang, n=n, **fields)


class District:
    """The scenario and the plan joined once; explanations of many people reuse it."""

    def __init__(self, sc, plan, lang: str | None = None):
        self.lang = messages.check_lang(lang)
        self.sc = sc
        self.plan = plan
        self.pol = sc.policy
        self.w = sc.policy.weights
        self.st = sc.staff.set_index("person_id", drop=False)
        self.age = pd.Series(sc.ages.to_numpy(), index=sc.staff["person_id"].to_numpy())
        a = plan.assignments.drop_duplicates("person_id", keep="first").set_index("person_id", drop=False)
        self.a = a
        self.sch = sc.schools.set_index("school_id", drop=False)
        self.subject = self.st["subject"]

    # ---- facts (models/figures.py) -----------------------------------------------------------
    @cached_property
    def facts(self) -> pd.DataFrame:
        """Each person's outcome and each rule's facts about them (models/figures.py: people)."""
        return F.people(self.sc, self.plan.assignments)

    @cached_property
    def figures(self) -> dict:
        """The plan's figures (kpis.json's before / after / target), computed from its rows."""
        return F.plan_figures(self.sc, self.plan.assignments, self.plan.itinerant)

    @cached_property
    def envy(self) -> pd.DataFrame:
        return F.envy_pairs(self.sc, self.facts)

    @cached_property
    def days(self) -> pd.DataFrame:
        """Itinerant teachers' days: lessons, stops, travel minutes with the way back."""
        return F.itinerant_days(self.sc, self.facts["to_school"], self.plan.itinerant)

    @cached_property
    def week(self) -> pd.DataFrame:
        return F.itinerant_week(self.sc, self.facts["to_school"], self.plan.itinerant)

    @cached_property
    def points(self) -> pd.Series:
        """Priority points of every person (the office's bareme, weights.points_*: models/priority.py)."""
        return priority_points(self.sc).round(2)

    @cached_property
    def demand(self) -> pd.Series:
        return self.sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()

    @cached_property
    def school_facts(self) -> F.SchoolFacts:
        return F.SchoolFacts(self.sc)

    @cached_property
    def teachers_after(self) -> pd.DataFrame:
        f = self.facts
        t = f[f["teacher_after"]]
        return t.assign(person_id=t.index)

    @cached_property
    def coverage(self) -> pd.DataFrame:
        return F.coverage(self.sc, self.facts, self.plan.itinerant)

    @cached_property
    def covered_before(self) -> pd.Series:
        return F.covered_before(self.sc)

    def fact(self, pid: str, name: str):
        return self.facts.at[pid, name] if pid in self.facts.index else False

    def label(self, sid: str, area: bool = False) -> str:
        """A school by name, its code in brackets (with `area`: and its area and township)."""
        return words.school(sid, self.sch, self.lang, area=area)

    def area(self, sid: str) -> str:
        return str(self.sch.at[sid, "area"]) if sid in self.sch.index else ""

    def who(self, pid: str, points: bool = False) -> str:
        name = self.a.at[pid, "name"] if pid in self.a.index else self.st.at[pid, "name"]
        if points:
            return messages.text("explain.who_points", self.lang, name=name, pid=pid,
                                 pts=f"{self.points.get(pid, 0):g}")
        return messages.text("words.person", self.lang, name=name, pid=pid)

    def demand_of(self, sid: str, subject: str) -> int:
        return int(self.demand.get((sid, subject), 0))

    def fit(self, sid: str, subject: str) -> str | None:
        """Why a teacher of `subject` cannot teach at school `sid` (R8 subject / level fit), or None."""
        return F.subject_fit(self.sc, subject, sid, self.school_facts)

    def before_gap(self, sid: str, subject: str) -> tuple[int, int]:
        """(demand, lessons its current teachers could cover) of a subject at a school before the plan."""
        return self.demand_of(sid, subject), int(self.covered_before.get((sid, subject), 0))

    def leader_holders(self, sid: str, role: str, but: str) -> pd.DataFrame:
        a = self.a
        return a[(a["to_school"] == sid) & (a["role_after"] == role) & (a["person_id"] != but)]

    def posts(self, sid: str, role: str) -> int:
        col = "principal_posts" if role == "principal" else "vice_principal_posts"
        v = pd.to_numeric(self.sch.at[sid, col], errors="coerce")
        return 0 if pd.isna(v) else int(v)

    def due(self, pid: str) -> bool:
        """R1: served rotation_terms or more terms at one school (exempt or locked ones included)."""
        return bool(self.fact(pid, "r1_due"))


def explain(sc, plan, person_id: str, district: District | None = None, lang: str | None = None) -> Explanation:
    """Explain one person's decision in `lang` (en or zh; default: the district's, else English).

    Raises ScenarioError if the person is not in the plan."""
    d = district if district is not None and (lang is None or district.lang == lang) else District(sc, plan, lang)
    if person_id not in d.a.index or person_id not in d.st.index:
        raise ScenarioError([Problem(plan.source, None, "person_id", person_id,
                                     messages.text("explain.no_person", d.lang))])
    return _Explainer(d, person_id).run()


class _Explainer:
    def __init__(self, d: District, pid: str):
        self.d, self.pid = d, pid
        self.lang = d.lang
        self.s = d.st.loc[pid]
        self.r = d.a.loc[pid]
        self.params: dict = {}
        self.frm, self.to = str(self.r["from_school"]), str(self.r["to_school"])
        self.role_before, self.role_after = str(self.r["role_before"]), str(self.r["role_after"])
        self.move = str(self.r["move"])
        self.subject = str(self.s["subject"])
        age = d.age.get(pid)
        self.age = None if age is None or pd.isna(age) else int(age)

    def use(self, **kw) -> None:
        self.params.update(kw)

    # ---- words in the explanation's language --------------------------------------------------
    def t(self, key: str, **fields) -> str:
        return messages.text(f"explain.{key}", self.lang, **fields)

    def n(self, unit: str, n: int, **fields) -> str:
        return _count(unit, n, self.lang, **fields)

    def names(self, items: list[str]) -> str:
        return _names(items, self.lang)

    def role(self, role: str) -> str:
        return words.word("role", role, self.lang)

    def w(self, kind: str, value) -> str:
        return words.word(kind, value, self.lang)

    def subj(self, subject: str | None = None) -> str:
        return self.w("subject", self.subject if subject is None else subject)

    def join(self, parts: list[str]) -> str:
        return messages.join(parts, self.lang)

    # ---- the whole explanation ---------------------------------------------------------------
    def run(self) -> Explanation:
        pol = self.d.pol
        leader = self.role_before in LEADER_ROLES or self.role_after in LEADER_ROLES
        kind = ("retiree" if self.move == "retire" else "leader" if self.role_before in LEADER_ROLES
                else "reserve leader" if leader else "new hire" if not self.frm else "teacher")
        paras = [self.rules_sentence(), self.data_sentence()]
        if self.move == "retire" or self.role_after == "retired":
            paras.append(self.r12())
        elif self.role_before in LEADER_ROLES:
            paras += [self.r1(), self.r1x(), self.r3(), self.r4()]
        elif self.role_after in LEADER_ROLES:
            paras += [self.r2(), self.r3(), self.r4()]
        else:
            if bool(self.s.get("reserve_leader", False)):
                paras.append(self.r2_not_promoted())
            paras += [self.r5(), self.r6(), self.r11(), self.r16(), self.r17(), self.r8_fit(), self.r7()]
        paras.append(self.couple())
        if self.move == "stay" and self.to == self.frm and self.role_after != "retired":
            paras.append(self.why_stay())
        paras.append(self.preferences())
        headline = self.headline()
        self.use(plan_year=pol.plan_year)
        return Explanation(self.pid, kind, headline, [p for p in paras if p], self.params, self.lang)

    def r16(self) -> str:
        """R16: the posting after the plan (home school, last school year), as the plan's row writes it."""
        home = str(self.r.get("home_school", "") or "")
        until = str(self.r.get("posting_until", "") or "").split(".")[0]
        if not home or not until:
            return ""
        self.use(home_school=home, posting_until=until)
        return self.t("r16.posting", home=self.d.label(home), until=until,
                      years=self.d.pol.exchange_years)

    def r17(self) -> str:
        """R17: a dormitory bed, where the person arrives at a rural school that gives beds from far away."""
        f = self.d.facts
        if "r17_far_arrival" not in f.columns or self.pid not in f.index or not bool(f.at[self.pid, "r17_far_arrival"]):
            return ""
        beds = self.d.sch.at[self.to, "dorm_beds"] if "dorm_beds" in self.d.sch.columns else None
        self.use(dorm_beds=None if beds is None or pd.isna(beds) else int(beds))
        return self.t("r17.bed", school=self.d.label(self.to), minutes=f"{self.d.pol.commute_minutes_max:g}",
                      beds="" if beds is None or pd.isna(beds) else int(beds))

    def couple(self) -> str:
        """Couples: where the spouse works after the plan, and whether they are in one township."""
        sp = str(self.s.get("spouse_id", "") or "")
        if not sp or sp not in self.d.a.index:
            return ""
        other = str(self.d.a.at[sp, "to_school"])
        if not other or self.to not in self.d.sch.index or other not in self.d.sch.index:
            return ""
        same = self.d.sch.at[other, "township"] == self.d.sch.at[self.to, "township"]
        self.use(spouse_id=sp, couple_apart=not same)
        return self.t("couple.same" if same else "couple.apart", spouse=self.d.who(sp),
                      school=self.d.label(other), township=self.d.sch.at[other, "township"])

    def headline(self) -> str:
        d = self.d
        name = messages.text("words.person", self.lang, name=self.r["name"] or self.s["name"], pid=self.pid)
        subj = self.t("subj", subject=self.subj()) if self.subject and self.role_before == "teacher" else ""
        if self.frm:
            now = self.t("now", role=self.role(self.role_before), subj=subj, school=d.label(self.frm, area=True))
        else:
            new_subject = "" if not self.subject else self.subj() if self.lang == "zh" else self.subject + " "
            now = self.t("now_new", subject=new_subject)
        when = self.t("when", year=d.pol.plan_year)
        role = self.role(self.role_after)
        to = d.label(self.to, area=True)
        p2 = str(self.r["period2_school"])
        bundle = self.t("out.bundle", school=d.label(p2, area=True)) if p2 else ""
        if self.move == "stay" and self.role_after != self.role_before:
            outcome = self.t("out.new_role", to=to, role=role)
        elif self.move in ("stay", "rotate", "promote", "exchange", "return", "place_new", "bundle_second",
                           "transfer", "retire"):
            outcome = self.t(f"out.{self.move}", to=to, role=role, bundle=bundle) if self.move != "retire" \
                else self.t("out.retire")
        else:
            outcome = self.t("out.other", move=self.move, to=to, role=role)
        return self.t("headline", name=name, now=now, when=when, outcome=outcome)

    def rules_sentence(self) -> str:
        rules = [x for x in str(self.r["rules"]).split(";") if x]
        reason = str(self.r["reason"]).strip()
        head = self.t("rules", rules=words.t("words.list_sep", self.lang).join(rules)) if rules \
            else self.t("no_rules")
        return head + (self.t("reason", reason=reason) if reason else "")

    def data_sentence(self) -> str:
        s, d, pol = self.s, self.d, self.d.pol
        facts = []
        if self.age is not None:
            facts.append(self.t("fact.age", age=self.age, year=pol.plan_year,
                                gender=self.t("man" if s["gender"] == "M" else "woman")))
        if self.role_before in LEADER_ROLES:
            facts.append(self.t("fact.leader", terms=self.n("cterm", int(s["terms_at_school"] or 0)),
                                years=self.n("year", int(s["years_at_school"] or 0)), school=d.label(self.frm)))
        elif self.frm:
            facts.append(self.t("fact.years", years=self.n("year", int(s["years_at_school"] or 0)),
                                school=d.label(self.frm)))
            if int(s["contract_period"] or 0):
                facts.append(self.t("fact.period", cp=int(s["contract_period"]), py=int(s["period_years"] or 0)))
        if self.subject:
            facts.append(self.t("fact.subject", subject=self.subj()))
        facts.append(self.t("fact.degree", degree=self.w("degree", s["degree"])))
        facts.append(self.t("fact.backbone", level=self.w("backbone", s["backbone"])))
        facts.append(self.t("fact.rural", years=f"{float(s['rural_service_years'] or 0):g}"))
        if bool(s["public_funded"]):
            facts.append(self.t("fact.public_funded"))
        if bool(s["reserve_leader"]):
            facts.append(self.t("fact.reserve"))
        if self.role_before == "teacher" and not bool(s["itinerant_ok"]):
            facts.append(self.t("fact.not_itinerant"))
        if s["exempt_reason"]:
            facts.append(self.t("fact.exempt", reason=s["exempt_reason"]))
        if s["locked_school"]:
            facts.append(self.t("fact.locked", school=d.label(s["locked_school"])))
        if s["preferences"]:
            facts.append(self.t("fact.ranked", schools=words.t("words.list_sep", self.lang).join(
                d.label(x) for x in self._prefs())))
        return self.t("data", facts=words.parts(facts, self.lang))

    def _prefs(self) -> list[str]:
        return list(dict.fromkeys(x.strip() for x in str(self.s["preferences"]).split(";") if x.strip()))

    # ---- R12 ---------------------------------------------------------------------------------
    def r12(self) -> str:
        d, pol = self.d, self.d.pol
        male = self.s["gender"] == "M"
        self.use(retirement_schedule=pol.retirement_schedule)
        if pol.retirement_schedule == "fixed":
            limit = F.retirement_age(d.sc, self.s["gender"])
            self.use(**{"retirement_age_male" if male else "retirement_age_female": limit})
        date = pd.Timestamp(d.fact(self.pid, "r12_date"))
        when = self.t("r12.unknown_date") if pd.isna(date) else date.date().isoformat()
        sex = self.t("men" if male else "women")
        key = "r12.due" if d.fact(self.pid, "r12_due") else "r12.not_due"
        return self.t(key, age=self.age, year=pol.plan_year, sex=sex, schedule=pol.retirement_schedule, date=when)

    # ---- leaders -----------------------------------------------------------------------------
    def r1(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        terms = int(s["terms_at_school"] or 0)
        self.use(rotation_terms=pol.rotation_terms, term_years=pol.term_years)
        if s["exempt_reason"]:
            return self.t("r1.exempt", terms=self.n("cterm", terms), school=d.label(self.frm),
                          reason=s["exempt_reason"])
        if s["locked_school"]:
            return self.t("r1.locked", school=d.label(s["locked_school"]))
        if d.due(self.pid):
            head = self.t("r1.due", terms=self.n("cterm", terms), school=d.label(self.frm), rt=pol.rotation_terms,
                          ty=pol.term_years)
            if self.to == self.frm:
                return head + self.t("r1.due_stays")
            if self.role_after not in LEADER_ROLES:
                return head + self.t("r1.due_leaves", role=self.role(self.role_after))
            return head + self.t("r1.due_rotates", school=d.label(self.to), role=self.role(self.role_after))
        head = self.t("r1.not_due", terms=self.n("term", terms), school=d.label(self.frm), rt=pol.rotation_terms)
        if self.to != self.frm:
            head += self.t("r1.moves_anyway")
        return head

    def r1x(self) -> str:
        d = self.d
        if not d.fact(self.pid, "r1_bound") or self.to == self.frm:
            return ""
        self.use(**{"weights.r1x_crossing": d.w.r1x_crossing})
        fa, ta = d.area(self.frm), d.area(self.to)
        if fa != ta:
            return self.t("r1x.cross", a=self.w("area", fa), b=self.w("area", ta), w=f"{d.w.r1x_crossing:g}")
        other = "rural" if fa == "urban" else "urban"
        roles = [self.role_before]
        if self.role_before == "principal" and d.pol.allow_principal_to_vice:
            roles.append("vice_principal")
        across = d.sch[d.sch["area"] == other]["school_id"]
        total, stay, movers, vacant = 0, [], [], []
        for sid in across:
            for role in roles:
                n = d.posts(sid, role)
                if not n:
                    continue
                total += n
                h = d.leader_holders(sid, role, self.pid)
                stay += [d.who(p) for p in h[h["from_school"] == sid]["person_id"]]
                movers += [self.t("r1x.mover", who=d.who(p), school=d.label(f)) for p, f in
                           zip(h[h["from_school"] != sid]["person_id"], h[h["from_school"] != sid]["from_school"])]
                if len(h) < n:
                    vacant.append(d.label(sid))
        role_words = self.t("or").join(self.role(r) for r in roles)
        txt = self.t("r1x.within", area=self.w("area", fa), posts=self.n("rolepost", total, role=role_words),
                     other=self.w("area", other), held=self.n_held(len(stay)))
        if movers:
            txt += self.t("r1x.movers", n=len(movers), names=self.names(movers))
        if vacant:
            return txt + self.t("r1x.vacant", posts=self.n("post", len(vacant)), names=self.names(vacant))
        return txt + self.t("r1x.none_left")

    def n_held(self, n: int) -> str:
        return self.t("r1x.held.one" if n == 1 else "r1x.held.many", n=n)

    def r2(self) -> str:
        d, pol = self.d, self.d.pol
        self.use(**{"weights.r2_urban_reserve": d.w.r2_urban_reserve,
                    "promote_rural_reserve": pol.promote_rural_reserve})
        role = self.role_after
        a = d.a
        left = a[(a["from_school"] == self.to) & (a["role_before"] == role) & (a["person_id"] != self.pid)
                 & ((a["to_school"] != self.to) | (a["role_after"] != role))]
        why = []
        for p, mv, to in zip(left["person_id"], left["move"], left["to_school"]):
            why.append(self.t("r2.retires", who=d.who(p)) if mv == "retire"
                       else self.t("r2.moves", who=d.who(p), school=d.label(to)))
        freed = (self.t("r2.freed", role=self.role(role), school=d.label(self.to, area=True), names=self.names(why))
                 if why else self.t("r2.open", school=d.label(self.to, area=True), role=self.role(role)))
        fa, ta = d.area(self.frm), d.area(self.to)
        if fa == "urban" and ta == "rural":
            rule = self.t("r2.urban", w=f"{d.w.r2_urban_reserve:g}")
        elif ta == "rural":
            rule = self.t("r2.rural", v=pol.promote_rural_reserve)
        else:
            rule = self.t("r2.fill")
        return self.t("r2.text", school=d.label(self.frm, area=True), freed=freed, rule=rule)

    def r2_not_promoted(self) -> str:
        d = self.d
        a = d.a
        rural_promos = a[(a["move"] == "promote") & (a["to_school"].map(d.sch["area"]) == "rural")]
        if rural_promos.empty:
            return self.t("r2.none")
        names = [self.t("who_area", who=d.who(p), area=self.w("area", d.area(f)))
                 for p, f in zip(rural_promos["person_id"], rural_promos["from_school"])]
        return self.t("r2.others", n=len(rural_promos), names=self.names(names))

    def r3(self) -> str:
        d, pol = self.d, self.d.pol
        if self.role_after not in LEADER_ROLES or "rural" not in (d.area(self.to), d.area(self.frm)):
            return ""
        self.use(young_age=pol.young_age, young_rural_leader_share=pol.young_rural_leader_share)
        k = d.figures  # models/figures.py, from the plan's rows
        b = k["before"].get("young_rural_leader_share")
        af = k["after"].get("young_rural_leader_share")
        young = bool(d.fact(self.pid, "young"))
        figs = ""
        if b is not None and af is not None:
            figs = self.t("r3.figs", b=f"{100 * b:.0f}", a=f"{100 * af:.0f}")
        return self.t("r3", age=self.age, cmp=self.t("r3.young" if young else "r3.old"), ya=pol.young_age,
                      where=self.t("r3.at_rural" if d.area(self.to) == "rural" else "r3.leaving"),
                      count=self.t("r3.count" if young else "r3.not_count"),
                      target=f"{100 * pol.young_rural_leader_share:.0f}", figs=figs)

    def r4(self) -> str:
        d = self.d
        town = str(self.r["director_of"])
        if town:
            return self.t("r4.director", school=d.label(self.to), town=town)
        if self.role_after == "principal" and self.to in d.sch.index and bool(d.sch.at[self.to, "is_township_seat"]):
            t = d.sch.at[self.to, "township"]
            who = d.a[d.a["director_of"] == t]["person_id"]
            return self.t("r4.seat", school=d.label(self.to), town=t,
                          who=d.who(who.iloc[0]) if len(who) else self.t("r4.nobody"))
        return ""

    # ---- teachers ----------------------------------------------------------------------------
    def r5(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        if not self.frm:
            p2 = str(self.r["period2_school"])
            dem, cov = d.before_gap(self.to, self.subject) if self.to in d.sch.index else (0, 0)
            txt = self.t("r5.new", school=d.label(self.to, area=True),
                         bundle=self.t("out.bundle", school=d.label(p2, area=True)) if p2 else self.t("r5.no_bundle"))
            if d.fact(self.pid, "r5_exempt_lock"):
                txt += self.t("r5.lock")
            elif d.fact(self.pid, "r5_new_hire") and not d.fact(self.pid, "r5_bundled"):
                txt += self.t("r5.same_area") if p2 else self.t("r5.missing")
            if dem:
                txt += self.t("r5.need", school=d.label(self.to), dem=dem, subject=self.subj(), cov=cov)
            return txt
        cp, py = int(s["contract_period"] or 0), int(s["period_years"] or 0)
        if cp == 1:
            self.use(term_years=pol.term_years)
        if d.fact(self.pid, "r6_own_bundle"):  # finishing contract period 1 (models/figures.py)
            txt = self.t("r5.finished", py=py, ty=pol.term_years, school=d.label(self.frm, area=True))
            if d.fact(self.pid, "r5_exempt_lock"):
                return txt + self.t("r5.lock")
            bundle = str(s.get("bundle_school") or "") if self.role_after == "teacher" else ""
            if bundle in d.sch.index:
                txt += self.t("r5.bundle_named", school=d.label(bundle, area=True))
            if d.fact(self.pid, "r5_period1") and not d.fact(self.pid, "r5_crossed"):
                return txt + self.t("r5.stays_area", area=self.w("area", d.area(self.frm)))
            if bundle and self.to == bundle:
                return txt + self.t("r5.at_bundle")
            if bundle in d.sch.index and d.fact(self.pid, "r5_bundle_full"):
                return txt + self.t("r5.bundle_full", school=d.label(self.to, area=True))
            if bundle in d.sch.index and not d.fact(self.pid, "r5_bundle_open"):
                return txt + self.t("r5.bundle_closed", school=d.label(self.to, area=True))
            txt += self.t("r5.goes", school=d.label(self.to, area=True))
            return txt + (self.t("r5.bundle_missed") if bundle in d.sch.index else "")
        if cp == 1:
            p2 = str(self.r["period2_school"])
            return self.t("r5.in_period1", py=py, ty=pol.term_years) + (
                self.t("r5.period2_at", school=d.label(p2, area=True)) if p2 in d.sch.index else "")
        return ""

    def r6(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        if not bool(s["public_funded"]):
            return ""
        self.use(public_funded_rural_years=pol.public_funded_rural_years)
        f = d.facts.loc[self.pid]
        rsy = float(f["rural_service_years"])
        total = rsy if pd.isna(f["rural_years_shown"]) else float(f["rural_years_shown"])
        owed = f"{pol.public_funded_rural_years:g}"
        if not f["r6_short"]:
            return self.t("r6.done", rsy=f"{rsy:g}", owed=owed)
        txt = self.t("r6.short", rsy=f"{rsy:g}", owed=owed, total=f"{total:g}")
        if f["r6_rural_to_urban"] and f["r6_exempt_lock"]:
            txt += self.t("r6.lock", school=d.label(f["locked_school"]))
        elif f["r6_broken"]:
            txt += self.t("r6.broken")
        return txt

    def r11(self) -> str:
        """R11 (contract v2): whether the person is eligible for an urban-to-rural posting, and why (the facts of
        models/figures.py `people`: r11_by_years, r11_exempt_lock, r11_exchanged, backbone_district_up)."""
        d, pol, s = self.d, self.d.pol, self.s
        if not self.frm:
            return ""
        if d.area(self.frm) != "urban":
            if self.role_before != "teacher":
                return ""
            return self.t("r11.rural", school=d.label(self.frm))
        years = int(s["years_at_school"] or 0)
        self.use(exchange_after_years=pol.exchange_after_years)
        if years < pol.exchange_after_years:
            return self.t("r11.few", years=self.n("year", years), school=d.label(self.frm),
                          ea=pol.exchange_after_years)
        if s["exempt_reason"]:
            return self.t("r11.exempt", years=years, reason=s["exempt_reason"])
        female = str(s["gender"]) == "F"
        param = "exchange_exempt_age_female" if female else "exchange_exempt_age_male"
        limit = pol.exchange_exempt_age_female if female else pol.exchange_exempt_age_male
        self.use(**{param: limit})
        if self.age is not None and self.age >= limit:
            return self.t("r11.old", age=self.age, param=param, limit=limit)
        py = float(pd.to_numeric(s["period_years"], errors="coerce") or 0)
        if pd.to_numeric(s["contract_period"], errors="coerce") == 1 and py >= pol.term_years:
            self.use(term_years=pol.term_years)
            return self.t("r11.finishing", py=f"{py:g}", ty=pol.term_years)
        if not d.fact(self.pid, "r11_by_years"):
            return ""  # not a teacher both before and after the plan: R11 does not apply
        if d.fact(self.pid, "r11_exempt_lock"):
            return self.t("r11.lock", years=years, school=d.label(s["locked_school"]))
        self.use(exchange_share=pol.exchange_share, exchange_share_max=pol.exchange_share_max,
                 exchange_backbone_share=pol.exchange_backbone_share)
        a = d.figures["after"]
        el, mv, bb, need = a["r11_eligible"], a["r11_exchanged"], a["r11_exchanged_backbone"], a["r11_exchange_target"]
        head = self.t("r11.head", years=self.n("year", years), school=d.label(self.frm), ea=pol.exchange_after_years,
                      param=param, limit=limit, share=f"{100 * pol.exchange_share:g}", el=el, need=need,
                      share_max=f"{100 * pol.exchange_share_max:g}", ceiling=a["r11_exchange_ceiling"],
                      bshare=f"{100 * pol.exchange_backbone_share:g}")
        if d.fact(self.pid, "r11_exchanged"):
            txt = head + self.t("r11.moves", mv=mv)
            if d.fact(self.pid, "backbone_district_up"):
                level = s["backbone"] if self.lang == "en" else self.w("backbone", s["backbone"])
                txt += self.t("r11.backbone", level=level, bb=bb)
            elif d.fact(self.pid, "backbone_any"):
                txt += self.t("r11.school_backbone")
            return txt + self.t("r11.end")
        return head + self.t("r11.not_among", mv=mv, met=self.t("r11.met" if mv >= need else "r11.short"))

    def r8_fit(self) -> str:
        d = self.d
        if not self.to or self.to not in d.sch.index or not self.subject:
            return ""
        why = d.fit(self.to, self.subject)
        if why:
            return self.t("r8.broken", why=why)
        dem = d.demand_of(self.to, self.subject)
        home = int(pd.to_numeric(self.r["home_lessons"], errors="coerce") or 0)
        self.use(teacher_load=d.pol.teacher_load)
        return self.t("r8.load", school=d.label(self.to), dem=dem, subject=self.subj(), home=home,
                      load=d.pol.teacher_load)

    def r7(self) -> str:
        d, pol = self.d, self.d.pol
        it = d.plan.itinerant
        rows = it[it["person_id"].astype(str) == self.pid] if len(it) else it
        if rows is None or len(rows) == 0:
            return ""
        self.use(max_schools_per_day=pol.max_schools_per_day, max_travel_minutes_per_day=pol.max_travel_minutes_per_day)
        rows = rows.sort_values(["day", "seq"])
        town = d.sch.at[self.to, "township"] if self.to in d.sch.index else "?"
        days = []
        back = d.days.loc[self.pid] if self.pid in d.days.index.get_level_values(0) else None
        sep = words.t("words.list_sep", self.lang) if self.lang == "zh" else ", "
        for day, g in rows.groupby("day", sort=True):
            stops = sep.join(self.t("r7.stop", school=d.label(x), n=int(n), subject=self.subj(sub), m=f"{float(m):g}")
                             for x, n, sub, m in zip(g["school_id"], g["lessons"], g["subject"], g["travel_minutes"]))
            if back is not None and int(day) in back.index:
                stops += self.t("r7.back", school=d.label(self.to), m=f"{float(back.at[int(day), 'back']):g}")
            days.append(self.t("r7.day", day=words.weekday(day, self.lang), stops=stops))
        week = d.week.loc[self.pid]  # models/figures.py: the travel minutes every output shows
        return self.t("r7", town=town, school=d.label(self.to), lessons=int(week["lessons"]),
                      days=words.parts(days, self.lang), minutes=f"{float(week['travel_minutes']):.1f}",
                      ms=pol.max_schools_per_day, mt=f"{pol.max_travel_minutes_per_day:g}")

    def why_stay(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        if not self.frm:
            return ""
        why = []
        if s["locked_school"]:
            why.append(self.t("ws.locked", school=d.label(s["locked_school"])))
        if s["exempt_reason"]:
            why.append(self.t("ws.exempt", reason=s["exempt_reason"]))
        if self.role_before in LEADER_ROLES:
            if not d.due(self.pid):
                why.append(self.t("ws.terms", terms=self.n("term", int(s["terms_at_school"] or 0)),
                                  rt=pol.rotation_terms))
        else:
            if not d.fact(self.pid, "r6_own_bundle"):  # finishing contract period 1
                why.append(self.t("ws.not_p1"))
            years = int(s["years_at_school"] or 0)
            if years < pol.exchange_after_years and d.area(self.frm) == "urban":  # R11 posts urban teachers only
                why.append(self.t("ws.years", years=self.n("year", years), ea=pol.exchange_after_years))
            elif d.fact(self.pid, "r11_eligible"):
                a = d.figures["after"]
                el, mv, need = a["r11_eligible"], a["r11_exchanged"], a["r11_exchange_target"]
                if mv >= need:
                    why.append(self.t("ws.r11_met", need=need, el=el))
            if self.subject and self.frm in d.sch.index:
                dem = d.demand_of(self.frm, self.subject)
                if dem:
                    why.append(self.t("ws.needed", school=d.label(self.frm), dem=dem, subject=self.subj()))
            q = pd.to_numeric(d.sch.at[self.frm, "staff_quota"], errors="coerce") if self.frm in d.sch.index else None
            if q is not None and not pd.isna(q):
                n = int((d.teachers_after["to_school"] == self.frm).sum())
                if n <= q:
                    why.append(self.t("ws.quota", n=n, q=int(q)))
        if not why:
            return self.t("ws.none")
        return self.t("ws.text", why=words.parts(why, self.lang))

    # ---- ranked schools ----------------------------------------------------------------------
    def preferences(self) -> str:
        prefs = self._prefs()
        if not prefs or self.move == "retire":
            return ""
        d, w = self.d, self.d.w
        s = self.s
        self.use(**{"weights.points_rural_year": w.points_rural_year,
                    "weights.points_backbone_level": w.points_backbone_level,
                    "weights.points_year_at_school": w.points_year_at_school,
                    "weights.points_mountainous": w.points_mountainous, "weights.preference": w.preference})
        mine = float(d.points[self.pid])
        mount = bool(d.sch.at[self.frm, "mountainous"]) if self.frm in d.sch.index else False
        lines = [self.t("pref.points", rsy=f"{float(s['rural_service_years'] or 0):g}", wr=f"{w.points_rural_year:g}",
                        bb=self.w("backbone", s["backbone"]), rank=BACKBONE_RANK.get(s["backbone"], 0),
                        wb=f"{w.points_backbone_level:g}", yrs=int(s["years_at_school"] or 0),
                        wy=f"{w.points_year_at_school:g}", mount=self.t("pref.mount_yes" if mount else "pref.mount_no"),
                        wm=f"{w.points_mountainous:g}", pts=f"{mine:g}")]
        for rank, sid in enumerate(prefs, start=1):
            if sid == self.to:
                lines.append(self.t("pref.granted", rank=rank, school=d.label(sid)))
                break
            lines.append(self.t("pref.denied", rank=rank, school=d.label(sid), why=self.blocker(sid, mine)))
        else:
            lines.append(self.t("pref.none", school=d.label(self.to)))
        return self.join(lines)

    def blocker(self, sid: str, mine: float) -> str:
        """What kept this person from school `sid`: a hard rule, a full quota, or someone with more points."""
        d, s = self.d, self.s
        pts = f"{mine:g}"
        if sid not in d.sch.index:
            return self.t("bl.not_school")
        if s["locked_school"] and s["locked_school"] != sid:
            return self.t("bl.locked", school=d.label(s["locked_school"]))
        if self.role_after in LEADER_ROLES:
            return self.leader_blocker(sid, mine)
        subj = self.subject
        if self.pid in d.facts.index:
            rule = F.blocked_by_rule(d.sc, d.facts.loc[self.pid], sid, d.school_facts)
            if rule:
                rid, why = rule
                if rid and rid != "R8":
                    return self.t("bl.rule", rule=rid, why=why)
                return self.t("bl.rule_plain", why=why) if rid else why
        if sid == self.frm:
            return self.t("bl.own_exchange") if self.move == "exchange" else self.t("bl.own")
        t = d.teachers_after
        here = t[t["to_school"] == sid]
        newcomers = here[here["from_school"] != sid]
        same = newcomers[newcomers["subject"] == subj]
        more = [p for p in same["person_id"] if d.points.get(p, 0) > mine]
        q = pd.to_numeric(d.sch.at[sid, "staff_quota"], errors="coerce")
        if not pd.isna(q) and len(here) >= q:
            stayers = len(here) - len(newcomers)
            txt = self.t("bl.quota", school=d.label(sid), q=int(q), n=len(here), stayers=stayers)
            if len(newcomers):
                first = sorted(newcomers["person_id"], key=lambda p: (newcomers.at[p, "subject"] != subj,
                                                                     -d.points.get(p, 0), p))
                txt += self.t("bl.placed", n=len(newcomers), names=self.names([d.who(p, points=True) for p in first]))
            if more:
                txt += self.t("bl.more_pts", names=self.names([d.who(p) for p in more]), pts=pts)
            return txt
        if more:
            return self.t("bl.got", names=self.names([d.who(p, points=True) for p in more]), pts=pts,
                          subject=self.subj(subj))
        dem = d.demand_of(sid, subj)
        c = d.coverage
        cov = float(c.at[(sid, subj), "home"] + c.at[(sid, subj), "itinerant"]) if (sid, subj) in c.index else 0.0
        env = d.envy  # the envy_pairs figure, pair by pair (models/figures.py)
        fewer = list(env.loc[(env["person_id"] == self.pid) & (env["school_id"] == sid), "other_id"])
        if fewer:
            self.use(**{"weights.envy": d.w.envy})
            return self.t("bl.envy", names=self.names([d.who(p, points=True) for p in fewer]), subject=self.subj(subj),
                          pts=pts, w=f"{d.w.envy:g}")
        if cov >= dem:
            self.use(**{"weights.coverage": d.w.coverage, "weights.move": d.w.move})
            return self.t("bl.covered", dem=dem, subject=self.subj(subj), wc=f"{d.w.coverage:g}", wm=f"{d.w.move:g}")
        self.use(**{"weights.coverage": d.w.coverage, "weights.rural_coverage": d.w.rural_coverage})
        return self.t("bl.needed", wc=f"{d.w.coverage:g}", wr=f"{d.w.rural_coverage:g}")

    def leader_blocker(self, sid: str, mine: float) -> str:
        d = self.d
        role = self.role_after
        if sid == self.frm and self.role_before in LEADER_ROLES and d.due(self.pid) and not self.s["exempt_reason"]:
            return self.t("lb.r1")
        posts = d.posts(sid, role)
        if posts == 0:
            return self.t("lb.no_post", school=d.label(sid), role=self.role(role))
        h = d.leader_holders(sid, role, self.pid)
        if len(h) < posts:
            if (self.role_before in LEADER_ROLES and d.due(self.pid) and d.area(sid) == d.area(self.frm)
                    and d.area(self.to) != d.area(self.frm)):
                self.use(**{"weights.r1x_crossing": d.w.r1x_crossing})
                return self.t("lb.area", area=self.w("area", d.area(sid)), w=f"{d.w.r1x_crossing:g}")
            return self.t("lb.open")
        parts = []
        for p, f in zip(h["person_id"], h["from_school"]):
            if f == sid:
                why = self.t("lb.not_due") if not d.due(p) else self.t("lb.exempt")
                parts.append(self.t("lb.stays", who=d.who(p), why=why))
            elif d.points.get(p, 0) > mine:
                parts.append(self.t("lb.more", who=d.who(p, points=True), pts=f"{mine:g}"))
            else:
                rules = str(d.a.at[p, "rules"]) or self.t("lb.other_goals")
                parts.append(self.t("lb.placed", who=d.who(p, points=True), rules=rules))
        return self.t("lb.held.one" if posts == 1 else "lb.held.many", n=posts, role=self.role(role),
                      names=self.names(parts))


def explain_text(sc, plan, person_id: str, lang: str | None = None) -> str:
    return explain(sc, plan, person_id, lang=lang).text()
