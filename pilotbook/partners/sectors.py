"""The maintained list of sectors, loaded by data migration 0002 (councils add their own through the site).

Each: slug, name, marker colour, marker shape, resident groups it usually meets, and words that name it
in a pilot's free-text list of partners. Colours keep at least 3:1 contrast with a white background, and
no two sectors share both colour and shape.
"""

MAINTAINED_SECTORS = [
    ("bus-transport", "Bus and transport operators", "#1d70b8", "square",
     ["older_people", "young_people", "disabled_people", "public_spaces"], ["bus", "transport", "driver"]),
    ("waste-street-cleaning", "Waste and street-cleaning crews", "#00703c", "triangle",
     ["older_people", "disabled_people", "public_spaces"],
     ["refuse", "waste", "bin crew", "street clean", "recycling"]),
    ("pharmacies", "Pharmacies", "#4c2c92", "cross",
     ["older_people", "disabled_people", "families_children", "carers", "mental_health"], ["pharmac", "chemist"]),
    ("gp-surgeries", "GP surgeries", "#d4351c", "circle",
     ["older_people", "families_children", "disabled_people", "carers", "mental_health"],
     ["gp ", "gp surger", "doctor", "primary care"]),
    ("post-delivery", "Post offices and delivery", "#b14600", "diamond",
     ["older_people", "disabled_people", "public_spaces"],
     ["post office", "postal", "royal mail", "delivery", "courier"]),
    ("fire-rescue", "Fire and rescue", "#942514", "star",
     ["older_people", "disabled_people", "public_spaces"], ["fire and rescue", "fire service", "firefight"]),
    ("police", "Police", "#003078", "hexagon",
     ["young_people", "rough_sleepers", "public_spaces", "mental_health"], ["police", "pcso"]),
    ("utilities", "Utilities (energy and water)", "#505a5f", "pentagon",
     ["older_people", "people_in_debt", "disabled_people", "tenants"], ["energy", "water company", "utilit", "gas"]),
    ("housing-associations", "Housing associations", "#1f7a72", "square",
     ["tenants", "older_people", "families_children", "people_in_debt"],
     ["housing association", "registered provider", "social landlord"]),
    ("voluntary-community", "Voluntary and community groups", "#c4266f", "circle",
     ["older_people", "carers", "people_in_debt", "rough_sleepers", "mental_health", "families_children"],
     ["charity", "voluntary", "community group", "food bank", "citizens advice"]),
    ("faith-groups", "Faith groups", "#6f4e9c", "triangle",
     ["older_people", "families_children", "rough_sleepers"], ["church", "mosque", "temple", "gurdwara", "faith"]),
    ("libraries", "Libraries", "#912b88", "diamond",
     ["families_children", "older_people", "jobseekers", "young_people"], ["librar"]),
    ("schools", "Schools", "#835c00", "star",
     ["families_children", "young_people"], ["school", "academy"]),
    ("retailers", "Retailers", "#0b0c0c", "hexagon",
     ["public_spaces", "older_people", "people_in_debt"], ["shop", "supermarket", "retail"]),
    ("job-centres", "Job centres", "#3d4f66", "pentagon",
     ["jobseekers", "people_in_debt", "disabled_people"], ["jobcentre", "job centre", "dwp"]),
]
