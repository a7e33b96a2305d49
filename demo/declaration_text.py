"""Text of the demo Dushanbe Declaration and its negotiation history.

The real text is not reproduced here: this is illustrative text in the register of UN
declarations, built from the themes of the press release. Only the two phrases the
press release quotes from the Declaration are used verbatim (paragraphs P3 and O1).
"""

from documents.enums import ParagraphKind

PRE, OP = ParagraphKind.PREAMBULAR, ParagraphKind.OPERATIVE

OPENING = (
    "We, the Ministers of Foreign Affairs and heads of delegation of the States represented "
    "at the High-Level Conference on International and Regional Co-operation on Countering "
    "Terrorism and Its Financing through Illicit Drug Trafficking and Organized Crime, held "
    "in Dushanbe on 16 and 17 May 2019,"
)
CONDEMNING = "Reaffirming our strong condemnation of terrorism in all its forms and manifestations,"
DRUGS = (
    "Recognizing that illicit drug trafficking continues to pose one of the major threats to "
    "international peace and security and undermine sustainable development, human rights "
    "and the rule of law,"
)
CALL = (
    "Call upon all States to promote and strengthen international co-operation in accordance "
    "with all their obligations under international law;"
)
HUMAN_RIGHTS = (
    "Underline that measures to counter terrorism must comply with all obligations under "
    "international law, including international human rights law, in particular in "
    "counter-terrorism investigations;"
)
NEXUS = (
    "Deeply concerned about the complex inter-connection between terrorism and transnational "
    "organized crime, such as illicit trade in natural resources{}, weapons and trafficking "
    "in human beings,"
)
ASHGABAT = (
    "{} the consolidated list of recommendations on strengthening regional co-operation in "
    "countering terrorist financing and organized crime resulting from the High-Level "
    "Regional Conference held in Ashgabat on 17 and 18 April 2019,"
)
BORDERS = (
    "Stress the need to strengthen border security and management{} and to step up the "
    "exchange of information among competent authorities;"
)
LEGAL = "Support the strengthening of international legal co-operation in terrorism cases{};"
# The last operative paragraph closes the declaration with a full stop.
UNOCT = (
    "Welcome the role of the United Nations Office of Counter-Terrorism in coordinating "
    "{}discussions on these issues{}."
)
PPP_ZERO = (
    "Encourage Government agencies, the private sector and civil society to work together "
    "to prevent and suppress the financing of terrorism;"
)
PPP_KZ = (
    "Encourage Government agencies, the private sector and civil society to work together, "
    "and recognize that public-private partnerships are essential to prevent and suppress "
    "the financing of terrorism;"
)
PPP_UZ = (
    "Encourage co-operation between Government agencies and financial institutions, "
    "including through public-private partnerships, to prevent and suppress the financing "
    "of terrorism;"
)
WORKING_GROUP_KG = (
    "Decide to establish a regional expert working group to follow up on the implementation "
    "of the present Declaration;"
)
ENERGY = (
    "Recognize the importance of protecting critical energy infrastructure against terrorist "
    "attacks;"
)
INTERNET = " and in countering the abuse of the Internet for terrorist purposes"

# (kind, text, bracketed)
ZERO_DRAFT = [
    (PRE, OPENING, False),
    (PRE, CONDEMNING, False),
    (PRE, DRUGS, False),
    (PRE, NEXUS.format(" [and cultural artifacts]"), True),
    (PRE, "[" + ASHGABAT.format("Taking note of") + "]", True),
    (OP, CALL, False),
    (OP, PPP_ZERO, False),
    (OP, BORDERS.format(", [in particular along the border with Afghanistan,]"), True),
    (OP, LEGAL.format(f" [{INTERNET.strip()}]"), True),
    (OP, HUMAN_RIGHTS, False),
    (OP, UNOCT.format("[global] ", " [leading to a United Nations summit in 2020]"), True),
]
# Rev.1: zero-draft index -> (new text, still bracketed). Operative 2 changes through the
# accepted amendment of Kazakhstan instead (see documents.add_amendments).
REV_1_EDITS = {
    3: (NEXUS.format(" and cultural property"), False),
    4: (ASHGABAT.format("Taking note with appreciation of"), False),
    8: (LEGAL.format(INTERNET), False),
    10: (UNOCT.format("global ", " [leading to a United Nations summit in 2020]"), True),
}
# Rev.1 adds one paragraph after the descendant of this zero-draft paragraph.
REV_1_ADDED_AFTER = 8
REV_1_ADDED = ENERGY
# Final: the last brackets resolved, by zero-draft index.
FINAL_EDITS = {
    7: BORDERS.format(", including along the border with Afghanistan,"),
    10: UNOCT.format("global ", ""),
}

CHAIRS_SUMMARY = [
    "The High-Level Conference was held in Dushanbe on 16 and 17 May 2019 and was opened "
    "by the President of the Republic of Tajikistan, Emomali Rahmon.",
    "The plenary was moderated by the Minister of Foreign Affairs of the Republic of "
    "Tajikistan, Sirojiddin Muhriddin.",
    "Participants discussed the complex inter-connection between terrorism and transnational "
    "organized crime, including illicit trade in natural resources, cultural artifacts and "
    "weapons and trafficking in human beings.",
    "Participants were presented with the consolidated list of recommendations of the "
    "High-Level Regional Conference held in Ashgabat in April 2019.",
]
POSITION_TM = (
    "Turkmenistan joins the consensus on the Declaration and understands its provisions as "
    "being implemented in accordance with its status of permanent neutrality and its "
    "national legislation."
)

# The Russian text, paragraph for paragraph: the same templates and the same brackets, so
# that each English paragraph of every version has its Russian counterpart.
OPENING_RU = (
    "Мы, министры иностранных дел и главы делегаций государств, представленных на "
    "Конференции высокого уровня по международному и региональному сотрудничеству в "
    "противодействии терроризму и его финансированию за счет незаконного оборота наркотиков "
    "и организованной преступности, состоявшейся в Душанбе 16 и 17 мая 2019 года,"
)
CONDEMNING_RU = (
    "вновь подтверждая наше решительное осуждение терроризма во всех его формах и проявлениях,"
)
DRUGS_RU = (
    "признавая, что незаконный оборот наркотиков по-прежнему представляет собой одну из "
    "основных угроз международному миру и безопасности и подрывает устойчивое развитие, "
    "права человека и верховенство права,"
)
CALL_RU = (
    "призываем все государства содействовать развитию и укреплению международного "
    "сотрудничества в соответствии со всеми их обязательствами по международному праву;"
)
HUMAN_RIGHTS_RU = (
    "подчеркиваем, что меры по противодействию терроризму должны соответствовать всем "
    "обязательствам по международному праву, включая международное право прав человека, "
    "в частности при расследованиях по делам о терроризме;"
)
NEXUS_RU = (
    "будучи глубоко обеспокоены сложной взаимосвязью между терроризмом и транснациональной "
    "организованной преступностью, такой как незаконная торговля природными ресурсами{}, "
    "оружием и торговля людьми,"
)
ASHGABAT_RU = (
    "{} сводный перечень рекомендаций по укреплению регионального сотрудничества в "
    "противодействии финансированию терроризма и организованной преступности, подготовленный "
    "по итогам Региональной конференции высокого уровня, состоявшейся в Ашхабаде 17 и "
    "18 апреля 2019 года,"
)
BORDERS_RU = (
    "подчеркиваем необходимость укрепления безопасности и охраны границ{} и активизации "
    "обмена информацией между компетентными органами;"
)
LEGAL_RU = (
    "поддерживаем укрепление международного правового сотрудничества по делам о терроризме{};"
)
UNOCT_RU = (
    "приветствуем роль Контртеррористического управления Организации Объединенных Наций в "
    "координации {}обсуждения этих вопросов{}."
)
PPP_ZERO_RU = (
    "призываем государственные органы, частный сектор и гражданское общество совместно "
    "работать над предупреждением и пресечением финансирования терроризма;"
)
PPP_KZ_RU = (
    "призываем государственные органы, частный сектор и гражданское общество к совместной "
    "работе и признаем, что партнерства государственного и частного секторов имеют "
    "важнейшее значение для предупреждения и пресечения финансирования терроризма;"
)
ENERGY_RU = (
    "признаем важность защиты критически важных объектов энергетической инфраструктуры от "
    "террористических нападений;"
)
INTERNET_RU = " и в противодействии использованию Интернета в террористических целях"
SUMMIT_RU = " [с перспективой проведения саммита Организации Объединенных Наций в 2020 году]"

ZERO_DRAFT_RU = [
    OPENING_RU,
    CONDEMNING_RU,
    DRUGS_RU,
    NEXUS_RU.format(" [и предметами культуры]"),
    "[" + ASHGABAT_RU.format("принимая к сведению") + "]",
    CALL_RU,
    PPP_ZERO_RU,
    BORDERS_RU.format(", [в частности на границе с Афганистаном,]"),
    LEGAL_RU.format(f" [{INTERNET_RU.strip()}]"),
    HUMAN_RIGHTS_RU,
    UNOCT_RU.format("[глобального] ", SUMMIT_RU),
]
REV_1_EDITS_RU = {
    3: NEXUS_RU.format(" и культурными ценностями"),
    4: ASHGABAT_RU.format("принимая с признательностью к сведению"),
    8: LEGAL_RU.format(INTERNET_RU),
    10: UNOCT_RU.format("глобального ", SUMMIT_RU),
}
REV_1_ADDED_RU = ENERGY_RU
FINAL_EDITS_RU = {
    7: BORDERS_RU.format(", в том числе на границе с Афганистаном,"),
    10: UNOCT_RU.format("глобального ", ""),
}
CHAIRS_SUMMARY_RU = [
    "Конференция высокого уровня состоялась в Душанбе 16 и 17 мая 2019 года; ее открыл "
    "Президент Республики Таджикистан Эмомали Рахмон.",
    "Модератором пленарного заседания выступил Министр иностранных дел Республики "
    "Таджикистан Сироджиддин Мухриддин.",
    "Участники обсудили сложную взаимосвязь между терроризмом и транснациональной "
    "организованной преступностью, включая незаконную торговлю природными ресурсами, "
    "предметами культуры и оружием, а также торговлю людьми.",
    "Участникам был представлен сводный перечень рекомендаций Региональной конференции "
    "высокого уровня, состоявшейся в Ашхабаде в апреле 2019 года.",
]
