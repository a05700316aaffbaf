"""The words of the world: company names, industries, regions, CSMs, product events and texts."""

from __future__ import annotations

NAME_FIRST = (
    "Acme", "Blue", "Bright", "Cedar", "Copper", "Delta", "Ember", "Falcon", "Granite", "Harbor",
    "Iron", "Juniper", "Kite", "Lumen", "Maple", "Nimbus", "Orbit", "Pine", "Quartz", "River",
    "Summit", "Tidal", "Union", "Vertex", "Willow", "Zephyr", "Atlas", "Beacon", "Crest", "Drift",
)  # fmt: skip
NAME_SECOND = (
    "Analytics", "Bakery", "Capital", "Clinic", "Design", "Dynamics", "Energy", "Foods", "Freight",
    "Health", "Labs", "Legal", "Logistics", "Media", "Motors", "Networks", "Partners", "Retail",
    "Robotics", "Security", "Software", "Studio", "Systems", "Travel", "Ventures", "Works",
)  # fmt: skip
NAME_SUFFIX = ("Inc", "LLC", "Ltd", "GmbH", "Group", "Co", "SA", "BV")

INDUSTRIES = (
    "software", "retail", "healthcare", "financial_services", "manufacturing", "education",
    "media", "logistics", "professional_services", "nonprofit",
)  # fmt: skip
REGIONS = ("north_america", "emea", "apac", "latam")
REGION_WEIGHTS = (0.45, 0.33, 0.15, 0.07)

POOLED_OWNER = "Digital CS Team"
CSM_NAMES = (
    "Alice Moreau", "Ben Okafor", "Chen Wei", "Dana Kowalski", "Elif Yilmaz", "Farid Haddad",
    "Grace Lindqvist", "Hugo Martins", "Ines Duarte", "Jonas Becker", "Kenji Sato", "Lena Novak",
    "Marco Rossi", "Nadia Petrova", "Omar Farouk", "Priya Raman", "Quinn Murphy", "Rosa Alvarez",
    "Sam Whitfield", "Tara Byrne", "Umar Siddiqui", "Vera Lund", "Will Osei", "Yara Haddad",
)  # fmt: skip

EVENTS = (
    "login", "dashboard_view", "search", "comment", "file_upload", "export", "invite_user",
    "alert_configured", "report_run", "workflow_run", "integration_sync", "api_call",
)  # fmt: skip
"""The product event catalogue; the last four are the key features that healthy accounts lean on."""
KEY_FEATURES = EVENTS[-4:]
EVENT_WEIGHTS = (30, 22, 14, 9, 6, 5, 2, 2, 30, 25, 20, 25)  # within the basic and the key group
EVENT_QUANTITY_MEAN = (2.0, 6.0, 5.0, 3.0, 2.0, 1.5, 1.0, 1.0, 3.0, 8.0, 12.0, 40.0)

TICKET_CATEGORIES = (
    "how_to", "bug", "billing", "integration", "performance", "account_admin", "feature_request", "outage",
)  # fmt: skip
TICKET_CATEGORY_WEIGHTS = (30, 20, 10, 12, 8, 12, 8, 0)  # for tickets not caused by an incident
INCIDENT_TICKET_CATEGORIES = (1, 4, 7)  # bug, performance, outage

TEXT_PHRASES: dict[tuple[str, int], tuple[str, ...]] = {
    ("billing", -1): (
        "Charged twice this month, finance is upset and wants a refund.",
        "The invoice was wrong again, a frustrating billing mess.",
        "Price increase is hard to justify, the budget is a problem.",
        "Unhappy with the renewal quote, too expensive for what we use.",
        "Billing errors keep annoying our finance team.",
    ),
    ("reliability", -1): (
        "Another outage this week, the team is frustrated.",
        "Too many bugs lately, our main workflow keeps failing.",
        "The product got slow and buggy after the last update, a real problem.",
        "Sync errors broke our reports again, very disappointing.",
        "Downtime hurt us badly during our busiest week.",
    ),
    ("support", -1): (
        "Support takes days to answer, really frustrating.",
        "Complaint about slow support responses and no follow-up.",
        "Tickets stay unresolved for weeks, an awful experience.",
        "Disappointed by the support team, nobody owns our issue.",
    ),
    ("champion", -1): (
        "Our sponsor left the company, sadly the new contact is unresponsive.",
        "Reorg on their side, the new manager doubts the value and is worried about cost.",
        "Lost our sponsor, nobody there defends the tool anymore.",
        "New leadership is skeptical and reviewing all vendors.",
    ),
    ("adoption", -1): (
        "The team stopped using it, adoption is poor.",
        "Few users log in anymore, sadly they went back to spreadsheets.",
        "Customer evaluating a cheaper tool, usage keeps dropping, a bad sign.",
        "Onboarding failed, most seats are unused and wasted.",
    ),
    ("routine", 0): (
        "Routine check-in, nothing open.",
        "Sent release notes and training links.",
        "Scheduled the next business review.",
        "Sent the agenda for the quarterly call.",
        "Updated the contact list and the account plan.",
    ),
    ("billing", 0): (
        "Sent the renewal quote to procurement.",
        "Customer asked for a copy of the latest invoice.",
        "Customer moved the invoices to a new billing address.",
    ),
    ("champion", 0): (
        "New main contact introduced, onboarding them next week.",
        "Our sponsor moved to another role, meeting the replacement.",
        "Organisation change on their side, mapping the new stakeholders.",
    ),
    ("adoption", 0): (
        "Walked the admins through the reporting setup.",
        "Reviewed seat usage by team with the admin.",
        "Planned training sessions for the new team members.",
    ),
    ("value", 1): (
        "The automations save us hours each week, great value.",
        "Customer happy with the new dashboards, strong results.",
        "They love the reports, leadership is impressed.",
        "Great product, our team lives in it every day.",
    ),
    ("expansion", 1): (
        "Renewal conversation positive, budget approved.",
        "Interested in adding seats for another team, excellent news.",
        "Champion engaged and excited about expanding to the API.",
        "Recommended us to two partner companies, happy customer.",
    ),
    ("support", 1): (
        "Great support, quick and helpful answers.",
        "Thanks to the support team, the issue was solved fast.",
        "Very happy with the service and the help we got.",
    ),
    ("adoption", 1): (
        "Adoption is strong, most seats active and engaged.",
        "Everything works smoothly, users enjoy the workflows.",
        "Onboarding went well, the new team is productive.",
    ),
}
"""What customers and CSMs write, by theme and polarity (-1 negative, 0 neutral, 1 positive).

Every phrase, alone or followed by a detail of its polarity, scores that polarity under the
VADER lexicon the text features use (tested), so the world's texts mean what they say."""

TEXT_DETAILS: dict[int, tuple[str, ...]] = {
    -1: (
        "We may not renew.",
        "This needs attention soon.",
        "They sounded annoyed.",
    ),
    0: (
        "Follow up next month.",
        "Next call booked.",
    ),
    1: (
        "Great call.",
        "Very positive meeting.",
    ),
}
"""A second sentence some texts add, by polarity."""

FOREIGN_TEXTS = (
    "Das Produkt ist leider sehr langsam geworden.",
    "La factura llegó dos veces este mes.",
    "Le support met des jours à répondre.",
    "製品の動作が遅くなりました。",
    "Alles läuft wie erwartet.",
)
"""Texts not in English (a few customers write in their own language): neutral to the features."""
