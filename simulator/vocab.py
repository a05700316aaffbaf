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
        "The price increase is hard to justify, the invoice is a problem.",
        "Unhappy with the billing, too expensive for what we use.",
        "Billing errors on every invoice keep annoying finance.",
    ),
    ("reliability", -1): (
        "Another outage this week, the team is frustrated.",
        "Too many bugs lately, the workflow keeps failing after each outage.",
        "Bugs after the last update made the product slow, a real problem.",
        "Sync bugs broke our exports again, very disappointing.",
        "The outage hurt us badly during our busiest week.",
    ),
    ("support", -1): (
        "Support takes days to answer, really frustrating.",
        "Complaint about slow support answers and no follow-up on tickets.",
        "Tickets stay unresolved for weeks, an awful support experience.",
        "Disappointed by support, nobody owns our tickets.",
    ),
    ("champion", -1): (
        "Our sponsor left the company, sadly the replacement is unresponsive.",
        "Reorg on their side, the replacement sponsor doubts the value and is worried about cost.",
        "Lost our sponsor in the reorg, nobody there defends the tool anymore.",
        "Leadership changed in the reorg, they are skeptical and reviewing all vendors.",
    ),
    ("adoption", -1): (
        "Users stopped logging in, adoption is poor.",
        "Few users log in anymore, sadly they went back to spreadsheets.",
        "Customer evaluating a cheaper tool, usage keeps dropping, a bad sign.",
        "Onboarding failed, most seats are unused and wasted.",
    ),
    ("routine", 0): (
        "Routine check-in, nothing open.",
        "Routine check-in, sent release notes and training links.",
        "Routine check-in, scheduled the next business review.",
        "Routine check-in, sent the agenda for the quarterly call.",
    ),
    ("billing", 0): (
        "Sent the renewal quote and the invoice to procurement.",
        "Customer asked for a copy of the latest invoice.",
        "Customer moved the invoices to a new billing address.",
    ),
    ("champion", 0): (
        "Sponsor changed after the reorg, onboarding the replacement next week.",
        "Our sponsor moved to another role, meeting the replacement.",
        "Reorg on their side, mapping the sponsor and stakeholders.",
    ),
    ("adoption", 0): (
        "Walked the admins through seat usage for their users.",
        "Reviewed seat usage by team with the admin.",
        "Planned training sessions for more users.",
    ),
    ("value", 1): (
        "The automations save us hours each week, great value.",
        "Customer happy with the dashboards, the automations pay off.",
        "They love the dashboards, leadership is impressed by the value.",
        "Great product, the automations run our day.",
    ),
    ("expansion", 1): (
        "Renewal conversation positive, budget approved to expand.",
        "Interested in adding seats to expand to another team, excellent news.",
        "Sponsor engaged and excited about expanding to more teams.",
        "Recommended us to two partner companies, happy to expand.",
    ),
    ("support", 1): (
        "Great support, quick and helpful answers.",
        "Thanks to support, the tickets were solved fast.",
        "Very happy with support and the help we got.",
    ),
    ("adoption", 1): (
        "Adoption is strong, most seats active and users engaged.",
        "Everything works smoothly, users enjoy the workflows.",
        "Onboarding went well, the added users are productive.",
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
