"""The first version of the code of practice, seeded on every new installation."""

FIRST_VERSION_TITLE = "Code of practice for social prescribing link workers"
FIRST_VERSION_INTRODUCTION = (
    "This code sets out what people can expect from a link worker who is a member of the "
    "National Association of Link Workers, and what members expect of themselves. Members "
    "accept it when they join and each time they renew, and map their continuing professional "
    "development to its standards."
)

FIRST_VERSION_STANDARDS = [
    (
        "S1",
        "Person-centred, strengths-based practice",
        "I start from what matters to the person, not what is the matter with them. I build on their "
        "strengths, skills and networks, agree goals with them at their pace, and support them to take "
        "control of their own health and wellbeing rather than doing things to or for them.",
    ),
    (
        "S2",
        "Holistic wellbeing",
        "I look at the whole of a person's life: housing, money, work, relationships, loneliness, "
        "physical and mental health. I recognise that social, economic and environmental factors shape "
        "most health outcomes and help people address the ones that matter to them.",
    ),
    (
        "S3",
        "Reducing health inequalities",
        "I make my service reachable by people who are least well served: I notice and remove barriers "
        "such as transport, digital access, language, disability and cost, adapt how I work to the "
        "person, and treat everyone fairly and with respect for their identity and culture.",
    ),
    (
        "S4",
        "Working with communities and the voluntary sector",
        "I know my local community and voluntary, community, faith and social enterprise (VCSE) "
        "organisations, connect people to them safely, share what I learn about gaps in local "
        "support, and respect the capacity and independence of community groups.",
    ),
    (
        "S5",
        "Safeguarding",
        "I recognise signs of abuse, neglect, exploitation and risk to children and adults, act on "
        "concerns promptly through my organisation's safeguarding procedures, and keep my "
        "safeguarding training up to date.",
    ),
    (
        "S6",
        "Professional boundaries and confidentiality",
        "I keep clear, kind professional boundaries, know the limits of my role and refer on when "
        "needs are beyond it, and handle personal information lawfully, sharing it only with consent "
        "or where the law or safety requires.",
    ),
    (
        "S7",
        "Reflective practice and learning",
        "I reflect regularly on my work, alone and in supervision or peer support, learn from what "
        "went well and what did not, and keep my knowledge and skills current through continuing "
        "professional development.",
    ),
    (
        "S8",
        "Collaboration with primary care and partners",
        "I work as a valued member of the primary care team and the wider health and care system, "
        "communicate clearly with colleagues, record my work accurately, and help others understand "
        "what social prescribing can and cannot offer.",
    ),
    (
        "S9",
        "Looking after my own wellbeing",
        "I notice the emotional demands of my work, use supervision and support, set a sustainable "
        "caseload with my employer where I can, and seek help early so that I can keep supporting "
        "others well.",
    ),
]
