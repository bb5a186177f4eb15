"""Fictional lessons learned and failure reasons for the published and stopped demo pilots, by title.

Each: (what we set out to do, what happened, why, what we would do differently, main failure reason or "").
"""

# fmt: off
LESSONS: dict[str, tuple[str, str, str, str, str]] = {
    "Plain-English rent arrears letter": (
        "Get tenants in early arrears to contact us before the debt grew.",
        "Tenants who got the new letter made contact about three weeks sooner.",
        "One clear action and the phone number at the top; the old letter led with legal wording.",
        "Add a text message a week later, and follow arrears for six months, not just first contact.", ""),
    "Text reminder before council tax court summons": (
        "Cut the number of summonses issued to people who would have paid.",
        "About six more in every hundred paid before the summons deadline.",
        "People had forgotten rather than refused; a payment link made paying easy.",
        "Check mobile numbers are up to date first: a fifth of texts did not arrive.", ""),
    "Pharmacy staff spot isolated older people": (
        "Find isolated older people sooner through pharmacists they already see.",
        "Referrals to befriending rose by about four per thousand older customers.",
        "Pharmacists see older people often and are trusted; a one-page referral form helped.",
        "Agree data sharing with the pharmacy chain before the start; it took two months.", ""),
    "Bin crews report fly-tipping by app": (
        "Clear fly-tipping sooner by having refuse crews report it on their rounds.",
        "Fly-tips were cleared about three days sooner.",
        "Crews pass most streets weekly and the app took seconds to use.",
        "Involve the trade union from the start; early worries about monitoring slowed roll-out.", ""),
    "Online booking for bulky waste collections": (
        "Move bulky waste bookings from the phone to the web.",
        "About 22 more in every hundred bookings were made online.",
        "The form took payment and offered a date at once, which the phone line could not.",
        "Keep a phone option for people without internet access; some complaints came from them.", ""),
    "Colour envelopes for benefit review letters": (
        "Get more people to return benefit review forms on time with a coloured envelope.",
        "Returns barely changed: we can be confident any effect is smaller than worth having.",
        "People who did not reply were not missing the letter; they found the form itself hard.",
        "Redesign the form rather than the envelope, and test it with claimants first.", "idea_did_not_work"),
    "Garden waste renewal reminder emails": (
        "Raise garden waste subscription renewals with a reminder email.",
        "Renewals were the same with and without the email.",
        "Most people who lapsed had moved or stopped gardening; a reminder could not change that.",
        "Ask lapsed subscribers why before testing a fix.", "idea_did_not_work"),
    "Chatbot for parking permit questions": (
        "Answer parking permit questions with a chatbot and cut calls.",
        "The chatbot answered some questions, but too few people used it to tell whether calls fell.",
        "The chatbot was hard to find on the website, so the pilot was too small.",
        "Link the chatbot from the permit renewal email and run it for longer.", "too_small"),
    "Automated phone line for council tax moves": (
        "Let people report a house move by an automated phone line.",
        "Fewer moves were reported correctly; mistakes had to be fixed by hand.",
        "Callers could not correct a misheard address, so errors crept in.",
        "Offer a web form with address look-up instead, and keep a person on the line.", "harmful_side_effect"),
    "Fortnightly instead of weekly litter picks": (
        "Save money by picking litter fortnightly in quieter streets.",
        "Street cleanliness scores fell by more than we could accept.",
        "Litter built up faster than expected near shops and bus stops.",
        "Keep weekly picks near shops and stops; try fortnightly only in residential streets.",
        "idea_did_not_work"),
    "Library card sign-up at school admissions": (
        "Sign up more children for library cards through school admissions.",
        "More cards were issued, but the pilot was too small to be sure it was the change.",
        "Only two schools took part, so the numbers were small.",
        "Recruit more schools before starting; the power calculator says about twelve.", "too_small"),
    "Welsh-first digital forms for housing repairs": (
        "Get more Welsh speakers to report repairs online with Welsh-first forms.",
        "Online reports rose, but the interval is wide and includes no change.",
        "Fewer tenants than expected reported repairs in the pilot months.",
        "Run it over a full year to cover the winter peak in repairs.", "too_small"),
    "Leisure centre referrals from GPs with a free month": (
        "Get more GP-referred patients to start using the leisure centre.",
        "About twelve more in every hundred referred patients took up the offer.",
        "A free first month removed the cost barrier at the moment of referral.",
        "Track whether people keep going after the free month, not only the first visit.", ""),
}

# Stopped early: the main structured reason, for the "what didn't work" register.
STOPPED_REASONS: dict[str, str] = {
    "Door-knocking for council tax support take-up": "idea_did_not_work",
    "Weekend opening of recycling centres in winter": "not_delivered",
}
# fmt: on
