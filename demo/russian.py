"""The Russian values of the demo content, written after the English build.

Dushanbe worked in English and Russian: every title, room, category, session and
recommendation the public reads has its Russian value here, keyed by the English one.
Paragraphs are written with their Russian text by documents.py, through the services.
A functional title without a Russian value here stays English (the Russian one is optional).
"""

from conference.models import Conference, Organization
from documents.models import Recommendation
from participants.models import BadgeCategory, Delegation, Participant
from sessions.models import Room, Session

from .conferences import (
    ASHGABAT_THEME,
    DUSHANBE_LETTERHEAD,
    DUSHANBE_SIGNATORY,
    DUSHANBE_SIGNATORY_TITLE,
    DUSHANBE_THEME,
    DUSHANBE_TITLE,
)

CONFERENCE = {
    DUSHANBE_SIGNATORY: "Джамшед Назарзода",
    DUSHANBE_SIGNATORY_TITLE: "Руководитель секретариата конференции",
    DUSHANBE_TITLE: (
        "Международное и региональное сотрудничество в противодействии терроризму и его "
        "финансированию за счет незаконного оборота наркотиков и организованной преступности"
    ),
    "Dushanbe High-Level Conference 2019": "Душанбинская конференция высокого уровня 2019",
    DUSHANBE_THEME: (
        "Цель конференции — обсудить сложную взаимосвязь между терроризмом и "
        "транснациональной организованной преступностью, такой как незаконная торговля "
        "природными ресурсами, культурными ценностями, оружием и торговля людьми, и укрепить "
        "международное и региональное сотрудничество в противодействии терроризму и его "
        "финансированию. Участникам представляется сводный перечень рекомендаций "
        "Региональной конференции высокого уровня, состоявшейся в Ашхабаде в апреле 2019 года."
    ),
    "Dushanbe": "Душанбе",
    "Kokhi Somon (Somon Palace)": "Кохи Сомон (дворец «Сомон»)",
    "High-Level Regional Conference on Countering Terrorist Financing and Organized Crime": (
        "Региональная конференция высокого уровня по противодействию финансированию "
        "терроризма и организованной преступности"
    ),
    "Ashgabat Regional Conference 2019": "Ашхабадская региональная конференция 2019",
    ASHGABAT_THEME: (
        "Укрепление регионального сотрудничества в противодействии финансированию терроризма "
        "и организованной преступности. Заседание I: укрепление правовой базы, обмена "
        "информацией и межведомственного сотрудничества в противодействии финансированию "
        "терроризма."
    ),
    "Ashgabat": "Ашхабад",
    DUSHANBE_LETTERHEAD: (
        "Секретариат конференции, Министерство иностранных дел Республики Таджикистан\n"
        "ул. Шероз, 33, Душанбе 734051, Республика Таджикистан"
    ),
}
ROOMS = {
    "Plenary Hall": "Пленарный зал",
    "Committee Room A": "Зал заседаний А",
    "Committee Room B": "Зал заседаний Б",
    "Press Centre": "Пресс-центр",
    "Bilateral Room 1": "Зал двусторонних встреч 1",
    "Bilateral Room 2": "Зал двусторонних встреч 2",
}
BADGES = {
    "Head of delegation": "Глава делегации",
    "Delegate": "Делегат",
    "International organizations": "Международные организации",
    "Special guest": "Почетный гость",
    "Press": "Пресса",
    "Host, security and staff": "Принимающая сторона, безопасность и персонал",
}
SESSIONS = {
    "Opening session": "Церемония открытия",
    "Coffee break": "Перерыв на кофе",
    "Lunch": "Обед",
    "Plenary session: terrorism and transnational organized crime, a shared threat": (
        "Пленарное заседание: терроризм и транснациональная организованная преступность — "
        "общая угроза"
    ),
    "Closed working lunch of Ministers of Foreign Affairs": (
        "Закрытый рабочий обед министров иностранных дел"
    ),
    "Ministerial segment: Central Asia and Afghanistan, regional co-operation against "
    "terrorism and its financing": (
        "Министерский сегмент: Центральная Азия и Афганистан, региональное сотрудничество "
        "в борьбе с терроризмом и его финансированием"
    ),
    "Thematic session I: illicit trade in natural resources and cultural property as a "
    "source of terrorist financing": (
        "Тематическое заседание I: незаконная торговля природными ресурсами и культурными "
        "ценностями как источник финансирования терроризма"
    ),
    "Side event: protecting critical energy infrastructure from terrorist attacks": (
        "Параллельное мероприятие: защита критически важной энергетической инфраструктуры "
        "от террористических нападений"
    ),
    "Bilateral meeting: Tajikistan – United Nations Office of Counter-Terrorism": (
        "Двусторонняя встреча: Таджикистан — Контртеррористическое управление ООН"
    ),
    "Bilateral meeting: Kazakhstan – Afghanistan": "Двусторонняя встреча: Казахстан — Афганистан",
    "Thematic session II: trafficking in weapons and in human beings, links between "
    "terrorism and organized crime": (
        "Тематическое заседание II: незаконный оборот оружия и торговля людьми, связь между "
        "терроризмом и организованной преступностью"
    ),
    "Side event: preventing the abuse of the Internet for terrorist purposes": (
        "Параллельное мероприятие: предотвращение использования Интернета в террористических целях"
    ),
    "Thematic session III: countering the financing of terrorism, financial intelligence "
    "and public-private partnerships": (
        "Тематическое заседание III: противодействие финансированию терроризма, финансовая "
        "разведка и партнерство государственного и частного секторов"
    ),
    "Press conference": "Пресс-конференция",
    "Thematic session IV: border security, Afghanistan and international legal "
    "co-operation in terrorism cases": (
        "Тематическое заседание IV: безопасность границ, Афганистан и международное правовое "
        "сотрудничество по делам о терроризме"
    ),
    "Side event: safeguarding human rights in counter-terrorism investigations": (
        "Параллельное мероприятие: защита прав человека при расследованиях по делам о терроризме"
    ),
    "Presentation of the consolidated recommendations of the Ashgabat conference": (
        "Представление сводных рекомендаций Ашхабадской конференции"
    ),
    "Adoption of the Dushanbe Declaration": "Принятие Душанбинской декларации",
    "Closing session": "Церемония закрытия",
}
SESSION_DESCRIPTIONS = {
    "Opening of the conference by the President of the Republic of Tajikistan.": (
        "Открытие конференции Президентом Республики Таджикистан."
    ),
    "Moderated by the Minister of Foreign Affairs of the Republic of Tajikistan.": (
        "Модератор — Министр иностранных дел Республики Таджикистан."
    ),
    "Statements by the Ministers of Foreign Affairs of the Central Asian States and "
    "Afghanistan, followed by heads of delegation.": (
        "Выступления министров иностранных дел государств Центральной Азии и Афганистана, "
        "затем глав делегаций."
    ),
    "Organized by the OSCE.": "Организатор — ОБСЕ.",
    "Organized by UNOCT and the OSCE.": "Организаторы — КТУ ООН и ОБСЕ.",
}
ORGANIZATIONS = {
    # English name: (Russian name, Russian acronym)
    "Organization for Security and Co-operation in Europe": (
        "Организация по безопасности и сотрудничеству в Европе",
        "ОБСЕ",
    ),
    "United Nations Office of Counter-Terrorism": (
        "Контртеррористическое управление Организации Объединенных Наций",
        "КТУ ООН",
    ),
    "United Nations Office on Drugs and Crime": (
        "Управление Организации Объединенных Наций по наркотикам и преступности",
        "УНП ООН",
    ),
    "United Nations Security Council Counter-Terrorism Committee Executive Directorate": (
        "Исполнительный директорат Контртеррористического комитета Совета Безопасности ООН",
        "ИДКТК ООН",
    ),
    "European Union": ("Европейский союз", "ЕС"),
    "Shanghai Cooperation Organisation": ("Шанхайская организация сотрудничества", "ШОС"),
    "Anti-Terrorism Centre of the Commonwealth of Independent States": (
        "Антитеррористический центр государств — участников Содружества Независимых Государств",
        "АТЦ СНГ",
    ),
    "Collective Security Treaty Organization": (
        "Организация Договора о коллективной безопасности",
        "ОДКБ",
    ),
    "International Criminal Police Organization": (
        "Международная организация уголовной полиции",
        "Интерпол",
    ),
    "OSCE Programme Office in Dushanbe": ("Программный офис ОБСЕ в Душанбе", "ПО ОБСЕ"),
    "OSCE Centre in Ashgabat": ("Центр ОБСЕ в Ашхабаде", ""),
    "United Nations Development Programme": (
        "Программа развития Организации Объединенных Наций",
        "ПРООН",
    ),
    "United Nations Regional Centre for Preventive Diplomacy for Central Asia": (
        "Региональный центр ООН по превентивной дипломатии для Центральной Азии",
        "РЦПДЦА",
    ),
    "International Organization for Migration": ("Международная организация по миграции", "МОМ"),
    "Financial Action Task Force": (
        "Группа разработки финансовых мер борьбы с отмыванием денег",
        "ФАТФ",
    ),
    "Eurasian Group on Combating Money Laundering and Financing of Terrorism": (
        "Евразийская группа по противодействию легализации преступных доходов и "
        "финансированию терроризма",
        "ЕАГ",
    ),
    "Egmont Group of Financial Intelligence Units": (
        "Группа подразделений финансовой разведки «Эгмонт»",
        "",
    ),
    "World Bank": ("Всемирный банк", ""),
    "International Monetary Fund": ("Международный валютный фонд", "МВФ"),
    "Conference on Interaction and Confidence-Building Measures in Asia": (
        "Совещание по взаимодействию и мерам доверия в Азии",
        "СВМДА",
    ),
    "Economic Cooperation Organization": ("Организация экономического сотрудничества", "ОЭС"),
    "North Atlantic Treaty Organization": ("Организация Североатлантического договора", "НАТО"),
    "Council of Europe": ("Совет Европы", "СЕ"),
    "Organisation of Islamic Cooperation": ("Организация исламского сотрудничества", "ОИС"),
    "Aga Khan Development Network": ("Сеть развития Ага Хана", "СРАХ"),
    "International Committee of the Red Cross": ("Международный комитет Красного Креста", "МККК"),
    "OSCE Academy in Bishkek": ("Академия ОБСЕ в Бишкеке", ""),
    "Khovar National Information Agency": (
        "Национальное информационное агентство «Ховар»",
        "Ховар",
    ),
}
HONORIFICS = {
    "H.E. Mr.": "Е. П. г-н",
    "H.E. Ms.": "Е. П. г-жа",
    "Mr.": "г-н",
    "Ms.": "г-жа",
    "Dr.": "д-р",
}
FUNCTIONAL_TITLES = {
    "President of the Republic of Tajikistan": "Президент Республики Таджикистан",
    "Minister of Foreign Affairs of the Republic of Tajikistan": (
        "Министр иностранных дел Республики Таджикистан"
    ),
    "OSCE Chairperson-in-Office; Minister of Foreign and European Affairs of the Slovak Republic": (
        "Действующий председатель ОБСЕ; Министр иностранных и европейских дел Словацкой Республики"
    ),
    "Under-Secretary-General, United Nations Office of Counter-Terrorism": (
        "Заместитель Генерального секретаря, Контртеррористическое управление ООН"
    ),
    "Director, OSCE Conflict Prevention Centre": (
        "Директор Центра ОБСЕ по предотвращению конфликтов"
    ),
    "Deputy Executive Director, Counter-Terrorism Committee Executive Directorate": (
        "Заместитель Исполнительного директора, Исполнительный директорат "
        "Контртеррористического комитета"
    ),
    "Minister of Foreign Affairs": "Министр иностранных дел",
    "Deputy Minister of Foreign Affairs": "Заместитель министра иностранных дел",
    "Ambassador Extraordinary and Plenipotentiary to the Republic of Tajikistan": (
        "Чрезвычайный и Полномочный Посол в Республике Таджикистан"
    ),
    "Deputy Head of Mission": "Заместитель главы миссии",
    "Security Officer": "Сотрудник службы безопасности",
    "Protocol Officer": "Сотрудник протокола",
    "Interpreter (English–Russian)": "Переводчик (английский — русский)",
}
THEMES = {
    "Legal frameworks": "Правовая база",
    "Information sharing": "Обмен информацией",
    "Inter-agency co-operation": "Межведомственное сотрудничество",
    "Financial intelligence": "Финансовая разведка",
    "Public-private partnership": "Партнерство государственного и частного секторов",
    "Border security": "Безопасность границ",
}
RECOMMENDATIONS = {
    "ASB-1.1": (
        "Привести национальное законодательство, устанавливающее уголовную ответственность за "
        "финансирование терроризма, в соответствие с Рекомендациями ФАТФ и резолюцией 2462 "
        "(2019) Совета Безопасности."
    ),
    "ASB-1.2": (
        "Обеспечить уголовную ответственность за финансирование отдельных террористов и "
        "поездок иностранных боевиков-террористов даже без связи с конкретным "
        "террористическим актом."
    ),
    "ASB-1.3": (
        "Заключить меморандумы о взаимопонимании о спонтанном обмене финансовой "
        "информацией между подразделениями финансовой разведки региона."
    ),
    "ASB-1.4": (
        "Систематически использовать уведомления и базы данных Интерпола о лицах, "
        "подозреваемых в совершении преступлений, связанных с терроризмом."
    ),
    "ASB-1.5": (
        "Создать национальные межведомственные рабочие группы с участием органов финансовой "
        "разведки, правоохранительных органов, таможенных и пограничных служб и прокуратуры."
    ),
    "ASB-2.1": (
        "Разработать региональные типологии финансирования терроризма, связанного с "
        "незаконным оборотом наркотиков и другими формами организованной преступности."
    ),
    "ASB-2.2": (
        "Проводить обучение по финансовым расследованиям и отслеживанию активов по делам о "
        "терроризме."
    ),
    "ASB-2.3": (
        "Создать площадки партнерства государственного и частного секторов для обмена "
        "типологиями и индикаторами риска с банками, системами денежных переводов и "
        "поставщиками платежных услуг."
    ),
    "ASB-2.4": (
        "Вовлекать гражданское общество и некоммерческий сектор в риск-ориентированный "
        "подход, не препятствующий законной благотворительной деятельности."
    ),
    "ASB-3.1": (
        "Усилить контроль за трансграничным перемещением наличных денежных средств и "
        "оборотных инструментов на предъявителя, в частности на границе с Афганистаном."
    ),
    "ASB-3.2": (
        "Использовать предварительную информацию о пассажирах и данные записи регистрации "
        "пассажиров для выявления передвижения подозреваемых террористов в соответствии с "
        "обязательствами в области прав человека."
    ),
}


# Delegations whose focal points write and read in Russian.
RUSSIAN_CORRESPONDENCE = ["AM", "AZ", "BY", "KG", "KZ", "RU", "TJ", "TM", "UZ"]


def _translate(queryset, **tables: dict) -> None:
    """Set ``<field>_ru`` from ``tables[field]`` keyed by the English value, in one update."""
    rows = list(queryset)
    for row in rows:
        for field, table in tables.items():
            english = getattr(row, f"{field}_en")
            if english in table:
                setattr(row, f"{field}_ru", table[english])
    queryset.model.objects.bulk_update(rows, [f"{field}_ru" for field in tables], batch_size=500)


def translate_demo(*conferences: Conference) -> None:
    _translate(
        Conference.objects.filter(pk__in=[c.pk for c in conferences]),
        title=CONFERENCE, short_title=CONFERENCE, theme=CONFERENCE, city=CONFERENCE,
        venue_name=CONFERENCE, letterhead_address=CONFERENCE, signatory_name=CONFERENCE,
        signatory_title=CONFERENCE,
    )  # fmt: skip
    names = {english: russian for english, (russian, _acronym) in ORGANIZATIONS.items()}
    _translate(Organization.objects.filter(name_en__in=names), name=names)
    organizations = list(Organization.objects.filter(name_en__in=ORGANIZATIONS))
    for organization in organizations:
        organization.acronym_ru = ORGANIZATIONS[organization.name_en][1]
    Organization.objects.bulk_update(organizations, ["acronym_ru"])
    _translate(Room.objects.filter(conference__in=conferences), name=ROOMS)
    _translate(BadgeCategory.objects.filter(conference__in=conferences), name=BADGES)
    _translate(
        Session.objects.filter(conference__in=conferences),
        title=SESSIONS, description=SESSION_DESCRIPTIONS,
    )  # fmt: skip
    _translate(
        Participant.objects.filter(conference__in=conferences),
        honorific=HONORIFICS, functional_title=FUNCTIONAL_TITLES,
    )  # fmt: skip
    Delegation.objects.filter(
        conference__in=conferences, country__in=RUSSIAN_CORRESPONDENCE
    ).update(correspondence_language="ru")
    recommendations = list(Recommendation.objects.filter(source_conference__in=conferences))
    for recommendation in recommendations:
        recommendation.theme_ru = THEMES[recommendation.theme_en]
        recommendation.text_ru = RECOMMENDATIONS[recommendation.code]
    Recommendation.objects.bulk_update(recommendations, ["theme_ru", "text_ru"])
