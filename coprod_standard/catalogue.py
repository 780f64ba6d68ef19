"""The catalogue of issues found while reading a file and checking it against the schema.

Each entry is data: a stable code, a title, a severity, a category, a description for the
docs, and templates for the message and the fix. Later check modules register their own.
"""

from __future__ import annotations

from .issues import IssueType, Severity, register

E, W, A = Severity.ERROR, Severity.WARNING, Severity.ADVISORY


def _t(code, title, severity, category, description, message, fix, unreadable=False):
    return IssueType(code, title, severity, category, description, message, fix, unreadable)


READING = [
    _t("file-not-found", "File not found", E, "reading",
       "The file named could not be found.",
       "The file {file} could not be found.",
       "Check the file name and the folder it is in. If the name has spaces, put it in quotes.",
       unreadable=True),
    _t("is-a-folder", "Folder given instead of a file", E, "reading",
       "A folder was given where a dataset file was expected.",
       "{file} is a folder, not a file.",
       "Give the dataset files inside the folder, for example {file}/*.json.",
       unreadable=True),
    _t("cannot-open", "File cannot be opened", E, "reading",
       "The file exists but could not be opened, for example because of its permissions.",
       "The file {file} could not be opened: {reason}.",
       "Check that you have permission to read the file and that no other program has it locked.",
       unreadable=True),
    _t("empty-file", "Empty file", E, "reading",
       "The file has nothing in it, or only spaces and blank lines.",
       "The file is empty.",
       "Check that you chose the right file and that it was saved completely.",
       unreadable=True),
    _t("file-too-large", "File too large", E, "reading",
       "The file is larger than the size limit.",
       "The file is {size}, which is more than the limit of {limit}.",
       "Split the dataset into smaller files, or raise the limit with --max-size if your "
       "computer has enough memory.",
       unreadable=True),
    _t("unsupported-file-type", "Not a JSON file", E, "reading",
       "The file is not JSON text; it looks like another kind of file.",
       "This file looks like {kind}, not a JSON dataset.",
       "Save or export the dataset as JSON (a .json file) and check that file.",
       unreadable=True),
    _t("not-utf8", "Text encoding not UTF-8", E, "reading",
       "The file is not written in the UTF-8 text encoding that JSON requires.",
       "The file is not UTF-8 text: the first character that cannot be read is at line "
       "{line}, column {column}.",
       "Open the file in a text editor and save it with the encoding 'UTF-8'.",
       unreadable=True),
    _t("malformed-json", "Malformed JSON", E, "reading",
       "The file is not valid JSON, so it cannot be read at all.",
       "Line {line}, column {column}: {problem}.",
       "Open the file in a text editor and look just before that point. {hint}",
       unreadable=True),
    _t("truncated-json", "File cut off", E, "reading",
       "The JSON ends before every object and list is closed: the file was probably cut "
       "off while it was being saved, copied or downloaded.",
       "The file ends too early, at line {line}, column {column}: the data stops before "
       "every {{ and [ is closed.",
       "Save or download the file again. If you edited it by hand, check that every "
       "{{ has a matching }} and every [ has a matching ].",
       unreadable=True),
    _t("invalid-number", "Number JSON cannot hold", E, "reading",
       "A number is written in a form JSON does not allow (NaN or Infinity) or is too large.",
       "Line {line}, column {column}: {problem}.",
       "Write the number as an ordinary decimal such as 12 or 3.5, or leave the field out "
       "if it is not known.",
       unreadable=True),
    _t("too-deeply-nested", "Nested too deeply", E, "reading",
       "Objects and lists are nested more deeply than any dataset in the standard needs.",
       "The data is nested more than {limit} levels deep.",
       "Check that the file is a co-production dataset; the standard needs about 12 levels.",
       unreadable=True),
    _t("too-many-records", "Too many records", E, "reading",
       "The file holds more records than the row limit.",
       "The file holds more than {limit} projects.",
       "Split the dataset into smaller files, or raise the limit with --max-rows.",
       unreadable=True),
    _t("record-too-long", "Record too long", E, "reading",
       "One line of a JSON Lines file, or one project of a large JSON file read a project "
       "at a time, is longer than the most read for one record. It was not read.",
       "{where} is longer than {limit}, the most read for one record.",
       "Check that this is the dataset you meant: a project is rarely more than a few "
       "kilobytes, and long texts belong in a linked document. In JSON Lines, the first "
       "line holds the dataset's own details and each later line one project.",
       unreadable=True),
    _t("issues-not-listed", "More issues than are listed", A, "reading",
       "The file has more issues than one report lists. All of them are counted in the "
       "summary by kind; only the first ones are shown one by one.",
       "{count} more issues were found and counted but are not listed one by one: a report "
       "lists at most {limit}.",
       "Fix the kinds of issue listed first (one mistake often repeats in every row), then "
       "check again to see the rest."),
    _t("text-too-long", "Text too long", E, "reading",
       "A single piece of text is longer than the limit.",
       "A piece of text at {where} is {length} characters long, more than the limit of {limit}.",
       "Shorten the text, or link to a document with the full text instead.",
       unreadable=True),
]

STRUCTURE = [
    _t("duplicate-key", "Field given twice", E, "structure",
       "The same field appears twice in one object. Programs disagree about which one "
       "counts, so the dataset is ambiguous.",
       "'{field}' is given more than once here.",
       "Keep one '{field}' and delete the other."),
    _t("unpaired-surrogate", "Broken character in text", E, "structure",
       "Text holds a \\uD800 to \\uDFFF escape without its other half. Such escapes come "
       "only in pairs, which together stand for one character (an emoji, say); one alone is "
       "not a character at all, so it cannot be shown, saved or sent on. It was read as the "
       "replacement character \ufffd, and the rest of the file was checked as usual.",
       "{where} holds the escape {escape} without the other half of its pair, so it is not "
       "a character; it was read as \ufffd.",
       "Correct that text, or save the file again from the program that made it (it has cut "
       "a character in two): an escape from \\uD800 to \\uDBFF must be followed at once by "
       "one from \\uDC00 to \\uDFFF."),
    _t("not-a-dataset", "Not a dataset", E, "structure",
       "The file is JSON, but not a dataset object.",
       "The file holds {kind}, but a dataset is a single object that starts with {{.",
       "Check that this is a co-production dataset. A dataset looks like "
       "{{\"version\": \"1.0\", \"publisher\": ..., \"projects\": [...]}}."),
    _t("missing-version", "Version missing", E, "structure",
       "The dataset does not say which version of the standard it follows.",
       "The dataset does not say which version of the standard it follows, so it was "
       "checked against version {latest}.",
       "Add {setting}."),
    _t("unsupported-version", "Unknown version", E, "structure",
       "The dataset names a version of the standard that this toolkit does not know.",
       "{problem} Supported versions: {versions}.",
       "{setting}, or install a newer release of this toolkit."),
    _t("schema-address-unknown", "Schema address not recognised", E, "structure",
       "The dataset's \"$schema\" (added by some editors for completion) is not the address "
       "of a version of this standard's schema.",
       "\"$schema\" at the top of the dataset is {shown}, which is not the address of a "
       "version of the Co-production Data Standard's schema.",
       "Write \"$schema\": \"{address}\", or remove the \"$schema\" line: it only helps "
       "editors, and the dataset is checked without it."),
    _t("schema-address-other-version", "Schema address names another version", E,
       "structure",
       "The dataset's \"$schema\" names a different version of the standard from its "
       "\"version\", so an editor would check it against the wrong rules.",
       "\"$schema\" names version {named} of the standard, but the dataset says it follows "
       "version {version}.",
       "Make them agree: write \"$schema\": \"{address}\" if the dataset follows version "
       "{version}, or remove the \"$schema\" line."),
    _t("extension-not-found", "Extension not found", E, "structure",
       "The dataset names an extension that is not known here: extensions come only from "
       "the toolkit and from folders named when checking. The dataset was checked without "
       "it.",
       "{detail}",
       "Name the extension by its plain name in {f[extensions]} (no path or web address). For "
       "an extension of your own, check with 'coprod validate --extension-dir FOLDER', "
       "where FOLDER holds the extension's folder."),
    _t("extension-failed", "Extension could not be applied", E, "structure",
       "An extension was found but could not be applied to the standard. The dataset was "
       "checked without it.",
       "{detail}",
       "Fix the extension (its extension.json, patches or codelist files), or remove it "
       "from {f[extensions]}."),
    _t("missing-required-field", "Required field missing", E, "structure",
       "A field that the standard requires is missing.",
       "{title} ('{field}') is missing.",
       "Add '{field}' ({title}): {description}"),
    _t("missing-conditional-field", "Field required here", E, "structure",
       "A field is required because of the value of another field.",
       "{title} ('{field}') is missing. {reason}",
       "Add '{field}' ({title}): {description}"),
    _t("missing-alternatives", "One of several fields needed", E, "structure",
       "At least one of a set of fields must be given.",
       "{where} needs at least one of: {options}.",
       "Add one of these fields: {options}."),
    _t("unknown-field", "Unknown field", E, "structure",
       "A field that the standard does not define here. It may be misspelt, in the wrong "
       "place, or extra information that has no place in the standard.",
       "'{field}' is not a field the standard knows here.{suggestion}",
       "{fix_hint}"),
    _t("wrong-type", "Wrong kind of value", E, "structure",
       "A value is the wrong kind: for example text where a number is needed.",
       "{title} ('{field}') should be {expected}, but it is {actual}.",
       "{type_hint}"),
    _t("invalid-code", "Code not in the list", E, "codes",
       "A value is not one of the codes in a closed codelist.",
       "{title} ('{field}') is {shown}, which is not a code in the '{codelist}' list."
       "{suggestion}{reason}",
       "Use one of: {codes}."),
    _t("unlisted-open-code", "Code not in an open list", A, "codes",
       "A value is not in an open codelist. Open lists allow other values, but a known "
       "code makes the dataset easier to compare.",
       "{title} ('{field}') is {shown}, which is not in the '{codelist}' list.{suggestion}",
       "If one of these fits, use it: {codes}."),
    _t("deprecated-field", "Deprecated field", W, "structure",
       "A field that still works in this version but is deprecated, and will be removed in "
       "a future major version. Its replacement is named.",
       "'{field}' is deprecated in version {version}: use '{replacement}' instead.",
       "Rename '{field}' to '{replacement}'; 'coprod upgrade' makes such changes for you."),
    _t("value-not-allowed", "Value not allowed", E, "structure",
       "A value is not one of the values the standard allows here.",
       "{title} ('{field}') must be {allowed}; it is {shown}.",
       "Change it to {allowed}."),
    _t("invalid-date", "Not a valid date", E, "dates",
       "A date is not a real date written as year-month-day. The message says what the "
       "value looks like (a UK or US date, one that could be read two ways, a day that "
       "does not exist, a date with a time) and the exact text to type.",
       "{title} ('{field}') is {shown}, which {reason}.",
       "Type the date as year-month-day{advice}"),
    _t("invalid-date-time", "Not a valid date and time", E, "dates",
       "A date and time is not written in the standard form: year-month-day, the letter "
       "T, the time to the second and a time zone. The message says what the value looks "
       "like and the exact text to type.",
       "{title} ('{field}') is {shown}, which {reason}.",
       "Type it as year-month-day, the letter T, the time and the time zone{advice}"),
    _t("date-in-another-form", "Date read from another form", A, "dates",
       "In a spreadsheet or CSV file, a date (or a date and time) was typed in a form only "
       "one date fits, such as 31/03/2025 or 31 March 2025, and was read as that date. "
       "Other programs may not read it that way. (A date and time without a time zone is "
       "read as UK time.)",
       "{title} is '{typed}', {form}; it was read as {read_as}.{more}",
       "Nothing has to change, but to be sure that every program reads it the same way, "
       "type it as {read_as}, the standard's form."),
    _t("invalid-uri", "Not a web address", E, "structure",
       "A web address is not a full address starting with https:// or http://.",
       "{title} ('{field}') is {shown}, which is not a full web address.",
       "Write the full address, starting with https://, with no spaces."),
    _t("invalid-email", "Not an email address", E, "structure",
       "An email address is not in the usual form name@example.org.",
       "{title} ('{field}') is not a valid email address.",
       "Write a shared team address such as coproduction@example.gov.uk."),
    _t("invalid-organisation-id", "Not an organisation identifier", E, "identifiers",
       "An organisation identifier is not in the org-id.guide form.",
       "{title} ('{field}') is {shown}, which is not an org-id.guide identifier.",
       "Use the list prefix, a hyphen and the number, for example GB-CHC-1234567 for a "
       "charity or GB-LAE-BIR for a council. Find yours at https://org-id.guide."),
    _t("invalid-project-id", "Not a project identifier", E, "identifiers",
       "A project identifier is an organisation identifier, a hyphen and the project's own "
       "reference; this one is not.",
       "{title} ('{field}') is {shown}, which is not an organisation identifier followed by "
       "a hyphen and the project's own reference.",
       "Start with your organisation's identifier, add a hyphen and your own reference, "
       "for example GB-CHC-1234567-peer-network."),
    _t("invalid-identifier", "Not a valid identifier", E, "identifiers",
       "A short identifier has spaces or characters that are not allowed.",
       "{title} ('{field}') is {shown}, which is not a valid identifier.",
       "Use only letters, numbers, dots, underscores and hyphens, starting with a letter "
       "or number, for example group-1."),
    _t("invalid-area-code", "Not an ONS area code", E, "identifiers",
       "An area is not a nine-character ONS (GSS) area code.",
       "{title} ('{field}') is {shown}, which is not an ONS area code.",
       "Use the nine-character GSS code, for example E08000025 for Birmingham. Look codes "
       "up at https://geoportal.statistics.gov.uk."),
    _t("pattern-mismatch", "Value in the wrong form", E, "structure",
       "A value does not follow the form the standard requires.",
       "{title} ('{field}') is {shown}, which is not in the required form.",
       "{description}"),
    _t("empty-text", "Empty text", E, "structure",
       "A text field is empty.",
       "{title} ('{field}') is empty.",
       "Write something in it, or leave the field out if it is optional: {description}"),
    _t("too-few-items", "List too short", E, "structure",
       "A list has fewer entries than the standard requires.",
       "{title} ('{field}') needs at least {minimum} {noun}; it has {count}.",
       "Add at least {minimum} {noun}: {description}"),
    _t("duplicate-items", "Repeated entry in a list", E, "structure",
       "The same entry appears more than once in a list that must not repeat.",
       "{title} ('{field}') lists the same entry more than once.",
       "Remove the repeated entries."),
    _t("number-out-of-range", "Number out of range", E, "structure",
       "A number is smaller or larger than the standard allows.",
       "{title} ('{field}') is {shown}; it must be {bound}.",
       "Check the number: {description}"),
    _t("no-matching-option", "Does not fit any allowed form", E, "structure",
       "A value must match one of several forms and matches none of them.",
       "{title} ('{field}') does not fit any of the allowed forms. Closest: {closest}",
       "{fix_hint}"),
    _t("schema-rule", "Breaks a rule of the standard", E, "structure",
       "A value breaks a rule of the schema that has no more specific message.",
       "{title} ('{field}'): {detail}.",
       "Check this value against the standard's reference for '{field}'."),
]

register(*READING, *STRUCTURE)
