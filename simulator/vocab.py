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

NPS_COMMENTS = (
    (  # detractors (0-6)
        "Too many bugs lately, considering alternatives.",
        "Support takes days to answer.",
        "The product got slower and our team stopped using it.",
        "Pricing is hard to justify for what we use.",
        "Our main workflow keeps breaking after updates.",
    ),
    (  # passives (7-8)
        "Does the job, reporting could be better.",
        "Good tool, onboarding new users is slow.",
        "Fine overall, a few missing integrations.",
    ),
    (  # promoters (9-10)
        "Our team lives in this product every day.",
        "Great support, quick answers.",
        "The automations save us hours each week.",
        "Recommended it to two partner companies.",
    ),
)
CSAT_COMMENTS = (
    ("Not satisfied with the recent changes.", "Hard to get help when we need it."),
    ("It's okay.", "Works as expected."),
    ("Very happy with the service.", "Everything works smoothly."),
)

INTERACTION_NOTES = (
    (  # positive
        "Customer happy with the new dashboards; discussed expansion to another team.",
        "QBR went well, champion engaged and asked about the API.",
        "Renewal conversation positive, budget approved.",
    ),
    (  # neutral
        "Routine check-in, no open issues.",
        "Shared release notes and training links.",
        "Scheduled the next business review.",
    ),
    (  # negative
        "Customer frustrated by recent outages; asked for credits.",
        "Champion left the company, new contact unresponsive.",
        "Budget under review, customer evaluating a cheaper tool.",
        "Complaint about slow support responses.",
    ),
)
