"""What a report's description must not contain: anything that could identify a person.

An email address, a UK phone number, an NHS number (ten digits that pass its Modulus 11 check) or a
full UK postcode (outward and inward code: "M1 1AE"; the outward code alone, "M1", names a district and
is allowed). Each finding comes with a message that says why and what to write instead.
"""

import re

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

# +44 or 0044 (with an optional "(0)"), or the trunk 0 (maybe bracketed with the area code), then the
# rest of the number with spaces or dashes anywhere. The digit count is checked after matching.
PHONE = re.compile(
    r"""(?<![\w+])
    (?: (?P<international>(?:\+|00)\s?44\s?(?:\(0\)\s?)?) | \(?0 )
    \d{2,4}\)?
    (?:[\s-]?\d){6,8}
    (?!\d)""",
    re.VERBOSE,
)

# Three, three and four digits, run together or split by spaces or dashes, as NHS numbers are written.
NHS_NUMBER = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")

# The Royal Mail's postcode shape: an outward code (area and district) and an inward code (sector and unit).
FULL_POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

EMAIL_MESSAGE = (
    "The description contains an email address, which could identify someone. "
    "Take it out and describe the gap or barrier without saying who is involved."
)
PHONE_MESSAGE = (
    "The description contains a phone number, which could identify someone. "
    "Take it out: say what kind of service it is (for example “the food bank”) instead."
)
NHS_NUMBER_MESSAGE = (
    "The description contains an NHS number, which identifies a patient. "
    "Take it out: describe what people could not get, not who they are."
)
POSTCODE_MESSAGE = (
    "The description contains a full postcode, which can point to a single street or household. "
    "Take it out, or give only the first half (for example “M1”, not “M1 1AE”)."
)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's Modulus 11 check: weights 10 down to 2 on the first nine digits; 11 minus the
    remainder of the sum by 11 is the check digit (11 reads as 0; 10 means no valid number)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _is_uk_phone_number(match) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    if match.group("international"):
        digits = "0" + digits[digits.index("44") + 2 :].removeprefix("0")
    return len(digits) in (10, 11)


def identifying_details(text: str) -> list[str]:
    """The messages for each kind of identifying detail found in `text`, in a fixed order; empty when none."""
    found = []
    if EMAIL.search(text):
        found.append(EMAIL_MESSAGE)
    if any(nhs_number_is_valid("".join(match.groups())) for match in NHS_NUMBER.finditer(text)):
        found.append(NHS_NUMBER_MESSAGE)
    elif any(_is_uk_phone_number(match) for match in PHONE.finditer(text)):
        # Ten digits that pass the NHS check are reported as the NHS number they most likely are.
        found.append(PHONE_MESSAGE)
    if FULL_POSTCODE.search(text):
        found.append(POSTCODE_MESSAGE)
    return found
