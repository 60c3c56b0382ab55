"""Normalization: expected spoken text for a table of inputs, spans and punctuation."""

import re

import pytest

from bittts.engine.text.normalize import Word, normalize, normalize_to_text

CASES = [
    # cardinals, separators, decimals, negatives, long digit strings
    ("I have 3 cats", "i have three cats"),
    ("123", "one hundred twenty three"),
    ("1,234,567", "one million two hundred thirty four thousand five hundred sixty seven"),
    ("3.14", "three point one four"),
    ("0.5 and .5", "zero point five and point five"),
    ("-5", "minus five"),
    ("It was -12 outside", "it was minus twelve outside"),
    (
        "12345678901234567890",
        "one two three four five six seven eight nine zero one two three four five six seven eight nine zero",
    ),
    ("007", "zero zero seven"),
    # ordinals
    ("1st 2nd 3rd 22nd 101st", "first second third twenty second one hundred first"),
    # fractions
    ("1/2", "one half"),
    ("3/4", "three quarters"),
    ("2/3 of 5/8", "two thirds of five eighths"),
    ("1 1/2 cups", "one and a half cups"),
    ("open 24/7", "open twenty four seven"),
    # years and decades
    ("in 1987", "in nineteen eighty seven"),
    ("in 2005", "in two thousand five"),
    ("in 2021", "in twenty twenty one"),
    ("in 1905", "in nineteen oh five"),
    ("the 1990s", "the nineteen nineties"),
    ("the '90s", "the nineties"),
    ("the 1900s", "the nineteen hundreds"),
    # currency
    ("$4.50", "four dollars and fifty cents"),
    ("$1", "one dollar"),
    ("$0.99", "ninety nine cents"),
    ("$1.01", "one dollar and one cent"),
    ("$2.5 million", "two point five million dollars"),
    ("$5bn", "five billion dollars"),
    ("€20", "twenty euros"),
    ("£3.20", "three pounds and twenty pence"),
    ("¥1000", "one thousand yen"),
    ("20 USD", "twenty dollars"),
    ("EUR 15", "fifteen euros"),
    ("1 GBP", "one pound"),
    ("JPY 500", "five hundred yen"),
    ("$1,000,000", "one million dollars"),
    # percentages
    ("50%", "fifty percent"),
    ("3.5 %", "three point five percent"),
    # times
    ("3:45 pm", "three forty five p m"),
    ("08:15", "eight fifteen"),
    ("at 7:05", "at seven oh five"),
    ("at 5:00", "at five o'clock"),
    ("at 3pm", "at three p m"),
    ("at 10 a.m. today", "at ten a m today"),
    ("14:30:15", "fourteen thirty and fifteen seconds"),
    # dates
    ("March 3, 2021", "march third twenty twenty one"),
    ("on Jan. 5, 1990", "on january fifth nineteen ninety"),
    ("the 3rd of May", "the third of may"),
    ("3 May 2021", "the third of may twenty twenty one"),
    ("2021-03-04", "march fourth twenty twenty one"),
    ("03/04/2021", "march fourth twenty twenty one"),
    # phone numbers
    ("(555) 123-4567", "five five five one two three four five six seven"),
    ("555-123-4567", "five five five one two three four five six seven"),
    ("+44 20 7946 0958", "plus four four two zero seven nine four six zero nine five eight"),
    # scores and ranges
    ("won 3-2", "won three to two"),
    ("1990-1995", "nineteen ninety to nineteen ninety five"),
    ("pages 10-20", "pages ten to twenty"),
    ("1990–95", "nineteen ninety to ninety five"),
    # arithmetic
    ("2 + 2 = 4", "two plus two equals four"),
    ("3 x 4", "three times four"),
    ("5 - 3 = 2", "five minus three equals two"),
    ("5-3=2", "five minus three equals two"),
    ("1920x1080", "one thousand nine hundred twenty times one thousand eighty"),
    # units
    ("10 kg", "ten kilograms"),
    ("1 km", "one kilometer"),
    ("5km", "five kilometers"),
    ("60 mph", "sixty miles per hour"),
    ("500 MB and 4GB", "five hundred megabytes and four gigabytes"),
    ("25°C", "twenty five degrees celsius"),
    ("77 °F", "seventy seven degrees fahrenheit"),
    ("3 cm, 5mm, 250 ml", "three centimeters five millimeters two hundred fifty milliliters"),
    ("6 ft tall", "six feet tall"),
    ("100 km/h", "one hundred kilometers per hour"),
    # abbreviations and titles
    ("Dr. Smith", "doctor smith"),
    ("Mr. and Mrs. Jones", "mister and missus jones"),
    ("Ms. Lee", "miz lee"),
    ("Mr Brown", "mister brown"),
    ("St. Patrick", "saint patrick"),
    ("on St. Patrick's Day", "on saint patrick's day"),
    ("at 12 Baker St.", "at twelve baker street"),
    ("fruit, e.g. apples", "fruit for example apples"),
    ("one, i.e. this", "one that is this"),
    ("cats, dogs, etc.", "cats dogs et cetera"),
    ("cats vs. dogs", "cats versus dogs"),
    ("Mon. and Fri.", "monday and friday"),
    ("John Smith Jr.", "john smith junior"),
    ("No. 5", "number five"),
    ("No. I won't", "no i won't"),
    ("Prof. Plum", "professor plum"),
    ("I met Jan. She left", "i met jan she left"),
    # Roman numerals
    ("Chapter IV", "chapter four"),
    ("Louis XIV", "louis the fourteenth"),
    ("World War II", "world war two"),
    ("Henry VIII", "henry the eighth"),
    ("Part III", "part three"),
    ("Elizabeth I", "elizabeth the first"),
    ("Then I left", "then i left"),
    ("I think so", "i think so"),
    ("Malcolm X", "malcolm x"),
    ("WWII", "world war two"),
    # acronyms
    ("the FBI", "the f b i"),
    ("NASA and NATO", "nasa and nato"),
    ("the CIA", "the c i a"),
    ("at IBM", "at i b m"),
    ("the USA", "the u s a"),
    ("the U.S.", "the u s"),
    ("CDs", "c d's"),
    ("the FBI's", "the f b i's"),
    ("UNESCO", "unesco"),
    ("OK", "okay"),
    ("I LOVE THIS SONG", "i love this song"),
    ("MP3", "m p three"),
    ("a WESSON OIL lease", "a wesson oil lease"),
    ("NEW YORK (CNN)", "new york c n n"),
    ("WATCH CNN NOW", "watch c n n now"),
    ("I LOVE HTML SO MUCH", "i love h t m l so much"),
    ("the FBI AND CIA", "the f b i and c i a"),
    ("The GUI", "the gooey"),
    ("BASIC", "basic"),
    ("four AMPHIBIOUS HOG CALLERS", "four amphibious hog callers"),
    ("MATH AND ALCOHOL DON'T MIX!", "math and alcohol don't mix"),
    ("my CODE of ETHICS", "my code of ethics"),
    ("no, NO!!", "no no"),
    ("the IT department", "the i t department"),
    ("the USSR and UNHCR", "the u s s r and u n h c r"),
    # single letters and initials
    ("J. R. R. Tolkien", "j r r tolkien"),
    ("vitamin C", "vitamin c"),
    ("Q: why", "q why"),
    ("3D", "three d"),
    # URLs and e-mail
    ("example.com", "example dot com"),
    ("https://www.example.com/path", "w w w dot example dot com slash path"),
    ("john.doe@example.org", "john dot doe at example dot org"),
    ("192.168.0.1", "one hundred ninety two dot one hundred sixty eight dot zero dot one"),
    # Unicode punctuation, symbols and emoji
    ("it\u2019s", "it's"),
    ("\u201cHello\u201d", "hello"),
    ("Tom & Jerry", "tom and jerry"),
    ("me @home", "me at home"),
    ("#1 fan", "number one fan"),
    ("#tbt", "hashtag tbt"),
    ("100 % sure", "one hundred percent sure"),
    ("so fun \U0001f600\U0001f44d\U0001f3fd!", "so fun"),
    ("family \U0001f468\u200d\U0001f469\u200d\U0001f467 day", "family day"),
    ("a * b _ c | d", "a b c d"),
    ("\u00a9 2020", "copyright twenty twenty"),
    ("~5 km", "about five kilometers"),
    ("5 < 6", "five less than six"),
    ("well-known", "well known"),
    ("Covid-19", "covid nineteen"),
    # more shapes
    ("a 2:1 ratio", "a two to one ratio"),
    ("5'10\"", "five feet ten inches"),
    ("version 2.0.1", "version two point zero point one"),
    ("call 911", "call nine one one"),
    ("the 2019-20 season", "the twenty nineteen to twenty season"),
    ("1,000th", "one thousandth"),
    ("1.5M users", "one point five million users"),
    ("Apt. 4B", "apartment four b"),
    ("see p. 5", "see page five"),
    ("in 1999-00", "in nineteen ninety nine to hundred"),
    # Unicode number forms
    ("\u00bd cup", "one half cup"),
    ("1\u00bd hours", "one and a half hours"),
    ("\u00be", "three quarters"),
    ("x\u00b2 + y\u00b3", "x squared plus y cubed"),
    ("10 m\u00b2", "ten square meters"),
    ("\uff15 and \u0663", "five and three"),
    ("\u2460 item", "item"),
    ("", ""),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0] or "empty" for c in CASES])
def test_spoken_text(text, expected):
    assert normalize_to_text(text) == expected


@pytest.mark.parametrize("text", [c[0] for c in CASES if c[0]], ids=[c[0] for c in CASES if c[0]])
def test_spans_are_in_range_ordered_and_not_blank(text):
    words = normalize(text)
    prev_start = -1
    for w in words:
        assert 0 <= w.start < w.end <= len(text), w
        assert text[w.start : w.end].strip() != "", w
        assert w.start >= prev_start, "spans go backwards"
        prev_start = w.start
        assert w.text == w.text.lower() and w.text.strip() == w.text and w.text


def test_money_words_share_the_token_span():
    text = "It costs $4.50 today."
    words = normalize(text)
    money = [w for w in words if text[w.start : w.end] == "$4.50"]
    assert [w.text for w in money] == ["four", "dollars", "and", "fifty", "cents"]
    assert words[-1].text == "today" and words[-1].punct_after == "."


def test_plain_words_slice_to_themselves():
    text = "The quick\u00a0brown fox\u2014it\u2019s fast."
    words = normalize(text)
    assert [text[w.start : w.end] for w in words] == ["The", "quick", "brown", "fox", "it\u2019s", "fast"]
    assert [w.text for w in words] == ["the", "quick", "brown", "fox", "it's", "fast"]


def test_hyphenated_words_get_their_own_spans():
    text = "a well-known fact"
    words = normalize(text)
    assert [(w.text, text[w.start : w.end]) for w in words] == [
        ("a", "a"),
        ("well", "well"),
        ("known", "known"),
        ("fact", "fact"),
    ]


def test_spans_slice_to_source_tokens():
    text = "Dr. Lee paid $2.5 million on March 3, 2021 at 3:45 pm (see FBI.gov)."
    words = normalize(text)
    by_source = {}
    for w in words:
        by_source.setdefault(text[w.start : w.end], []).append(w.text)
    assert by_source["Dr."] == ["doctor"]
    assert by_source["$2.5 million"] == ["two", "point", "five", "million", "dollars"]
    assert by_source["March 3, 2021"] == ["march", "third", "twenty", "twenty", "one"]
    assert by_source["3:45 pm"] == ["three", "forty", "five", "p", "m"]
    assert by_source["FBI.gov"] == ["f", "b", "i", "dot", "gov"]


def test_initials_do_not_end_sentences_but_plan_b_does():
    words = normalize("K. A. Arsdall wrote it. Plan B. Then we go.")
    assert [(w.text, w.letter, w.punct_after) for w in words[:3]] == [
        ("k", True, ""),
        ("a", True, ""),
        ("arsdall", False, ""),
    ]
    b = [w for w in words if w.text == "b"][0]
    assert b.letter and b.punct_after == "."


def test_letters_are_marked():
    words = normalize("the FBI and a cat")
    assert [(w.text, w.letter) for w in words] == [
        ("the", False),
        ("f", True),
        ("b", True),
        ("i", True),
        ("and", False),
        ("a", False),
        ("cat", False),
    ]


def test_prosody_punctuation_is_kept_on_the_word_before():
    words = normalize("Hello, world! Are you there? Yes; fine: ok\u2026 wait \u2014 now.")
    marks = {w.text: w.punct_after for w in words}
    assert marks == {
        "hello": ",",
        "world": "!",
        "are": "",
        "you": "",
        "there": "?",
        "yes": ";",
        "fine": ":",
        "ok": "\u2026",
        "wait": "\u2014",
        "now": ".",
    }


def test_stronger_mark_wins():
    assert normalize("Really?!")[0].punct_after == "?"
    assert normalize("What...")[0].punct_after == "\u2026"


def test_abbreviation_period_ends_sentence_before_capital():
    words = normalize("I like cats, dogs, etc. Then I left.")
    etc = [w for w in words if w.text == "cetera"][0]
    assert etc.punct_after == "."
    words = normalize("Dr. Smith arrived.")
    assert words[0].text == "doctor" and words[0].punct_after == ""


def test_decimal_point_is_not_punctuation():
    words = normalize("Pi is 3.14 roughly.")
    assert [w.punct_after for w in words] == ["", "", "", "", "", "", "."]


def test_st_street_vs_saint():
    assert normalize_to_text("We walked down Main St. in the rain") == "we walked down main street in the rain"
    assert normalize_to_text("The church of St. Mary") == "the church of saint mary"


def test_emoji_only_text_gives_no_words():
    assert normalize("\U0001f600\U0001f389") == []


def test_word_is_frozen():
    w = normalize("hi")[0]
    assert isinstance(w, Word)
    with pytest.raises(AttributeError):
        w.text = "ho"


def test_long_text_is_fast_enough():
    import time

    text = "On March 3, 2021 Dr. Smith paid $4.50 for 3 kg of apples at 3:45 pm. " * 200
    t = time.perf_counter()
    words = normalize(text)
    elapsed = time.perf_counter() - t
    assert len(words) > 200 * 20
    assert elapsed < 5.0


def test_no_digit_survives():
    text = "In 1987 there were 1,234 cats, 3.5% of 22nd-best 10-20 $5 pages #3."
    assert not re.search(r"\d", normalize_to_text(text))


# ----------------------------------------------------------------------------------------------
# Year or count: 1000-2099 decided by context (the rules above ``YEAR_CUES_BEFORE``)

YEAR_OR_COUNT = [
    # counts: a plural noun after, a quantity word before, a label before, a sign before
    ("I have 1500 apples", "i have one thousand five hundred apples"),
    ("It costs 1200 dollars.", "it costs one thousand two hundred dollars"),
    ("1999 people came.", "one thousand nine hundred ninety nine people came"),
    ("2048 bytes", "two thousand forty eight bytes"),
    ("a crowd of 1500 fans", "a crowd of one thousand five hundred fans"),
    ("1500 new jobs", "one thousand five hundred new jobs"),
    ("2000 of them", "two thousand of them"),
    ("more than 1500", "more than one thousand five hundred"),
    ("a total of 2000", "a total of two thousand"),
    ("about 1200", "about one thousand two hundred"),
    ("she scored 1500", "she scored one thousand five hundred"),
    ("between 1500 and 2000 people", "between one thousand five hundred and two thousand people"),
    ("from 1500 to 2000 dollars", "from one thousand five hundred to two thousand dollars"),
    ("1500-2000 people", "one thousand five hundred to two thousand people"),
    ("pages 1000-1200", "pages one thousand to one thousand two hundred"),
    ("$1999", "one thousand nine hundred ninety nine dollars"),
    ("#1999", "number one thousand nine hundred ninety nine"),
    ("No. 1999", "number one thousand nine hundred ninety nine"),
    ("page 1200", "page one thousand two hundred"),
    ("1,500", "one thousand five hundred"),
    ("1500 + 200", "one thousand five hundred plus two hundred"),
    ("He counted 1999 sheep", "he counted one thousand nine hundred ninety nine sheep"),
    ("page 1987", "page one thousand nine hundred eighty seven"),
    ("room 1500", "room one thousand five hundred"),
    ("$1500", "one thousand five hundred dollars"),
    ("1500 m", "one thousand five hundred meters"),
    ("we need 1500 more", "we need one thousand five hundred more"),
    # years: a year word or month before, "AD"/"BC" after, a sentence-opening preposition
    ("in 1987", "in nineteen eighty seven"),
    ("since 2004", "since two thousand four"),
    ("born 1950", "born nineteen fifty"),
    ("March 2021", "march twenty twenty one"),
    ("Orwell (1984) is grim.", "orwell nineteen eighty four is grim"),
    ("the year 2000", "the year two thousand"),
    ("the summer of 1969", "the summer of nineteen sixty nine"),
    ("1500 BC", "fifteen hundred b c"),
    ("In 1990 people were poorer.", "in nineteen ninety people were poorer"),
    ("since 1990 prices rose", "since nineteen ninety prices rose"),
    ("1984 was a year", "nineteen eighty four was a year"),
    ("the 2016 elections", "the twenty sixteen elections"),
    ("from 1990 to 2000", "from nineteen ninety to two thousand"),
    ("the 1990 census", "the nineteen ninety census"),
    ("the 1990s", "the nineteen nineties"),
]


@pytest.mark.parametrize("text,spoken", YEAR_OR_COUNT, ids=[c[0] for c in YEAR_OR_COUNT])
def test_year_or_count_by_context(text, spoken):
    assert normalize_to_text(text) == spoken


# Rule 4: after a preposition of time, the word after the plural noun decides.
NOUN_AFTER_TIME_PREPOSITION = [
    # a verb follows the noun: it is the subject of a clause, the number a year
    ("in 1987 things changed", "in nineteen eighty seven things changed"),
    ("in 2020 people stayed home", "in twenty twenty people stayed home"),
    ("by 2030 cars will fly", "by twenty thirty cars will fly"),
    ("After 1945 soldiers returned home.", "after nineteen forty five soldiers returned home"),
    ("in 2008 banks collapsed", "in two thousand eight banks collapsed"),
    ("in 1987 things slowly changed", "in nineteen eighty seven things slowly changed"),
    ("through 1999 sales were flat", "through nineteen ninety nine sales were flat"),
    ("In 1990 more people voted.", "in nineteen ninety more people voted"),
    ("In 1999 Canadians voted.", "in nineteen ninety nine canadians voted"),
    ("from 1990 to 1995 prices rose", "from nineteen ninety to nineteen ninety five prices rose"),
    ("between 1990 and 1995 prices rose", "between nineteen ninety and nineteen ninety five prices rose"),
    # a punctuation mark, pronoun or determiner follows: the noun phrase ends, a count
    ("In 1500 cases it failed", "in one thousand five hundred cases it failed"),
    ("In 1500 cases, it failed.", "in one thousand five hundred cases it failed"),
    ("In 1500 cases the drug failed", "in one thousand five hundred cases the drug failed"),
    ("it failed in 1500 cases", "it failed in one thousand five hundred cases"),
    ("He won by 1500 votes.", "he won by one thousand five hundred votes"),
    ("after 1500 attempts it worked", "after one thousand five hundred attempts it worked"),
    ("In 1500 more cases it failed.", "in one thousand five hundred more cases it failed"),
    (
        "The rule held in 1500 trials where it applied.",
        "the rule held in one thousand five hundred trials where it applied",
    ),
    ("It grew from 1500 to 2000 people.", "it grew from one thousand five hundred to two thousand people"),
    # neither: a year when the preposition opens a clause, a count inside one
    (
        "Prices fell, but in 1990 voters in Ohio chose him.",
        "prices fell but in nineteen ninety voters in ohio chose him",
    ),
    ("in 1999 sheep farmers protested", "in nineteen ninety nine sheep farmers protested"),
    (
        "The virus was found in 1500 homes across the country.",
        "the virus was found in one thousand five hundred homes across the country",
    ),
    ("It ran in 1200 theaters across Europe.", "it ran in one thousand two hundred theaters across europe"),
    # no plural noun after the number: a year, as before
    ("by 2030 we will", "by twenty thirty we will"),
    ("in 1987, things changed", "in nineteen eighty seven things changed"),
    ("since 1990 prices rose", "since nineteen ninety prices rose"),
]


@pytest.mark.parametrize("text,spoken", NOUN_AFTER_TIME_PREPOSITION, ids=[c[0] for c in NOUN_AFTER_TIME_PREPOSITION])
def test_plural_noun_after_a_time_preposition(text, spoken):
    assert normalize_to_text(text) == spoken


# A capitalized plural counts ("1500 Americans"), but not after "the" (a team, an event) or in
# a title, and not a name in -as ("Texas").
CAPITALIZED_PLURALS = [
    ("1500 Americans died", "one thousand five hundred americans died"),
    ("We saw 1500 Americans.", "we saw one thousand five hundred americans"),
    ("1944 Americans died that day.", "one thousand nine hundred forty four americans died that day"),
    ("In 1944 Americans landed in Normandy.", "in nineteen forty four americans landed in normandy"),
    ("the 1927 Yankees won", "the nineteen twenty seven yankees won"),
    ("The 2016 Elections were close.", "the twenty sixteen elections were close"),
    ("World Cup 2018 Qualifiers", "world cup twenty eighteen qualifiers"),
    ("a 1998 Texas law", "a nineteen ninety eight texas law"),
]


@pytest.mark.parametrize("text,spoken", CAPITALIZED_PLURALS, ids=[c[0] for c in CAPITALIZED_PLURALS])
def test_capitalized_plural_after_a_number(text, spoken):
    assert normalize_to_text(text) == spoken


# Rule 2: the second of two numbers joined by "and"/"or"/"to"/"through" reads like the first.
JOINED_NUMBERS = [
    ("during 1944 and 1945", "during nineteen forty four and nineteen forty five"),
    ("during 1944 and 1945 prices rose", "during nineteen forty four and nineteen forty five prices rose"),
    ("from 1990 to 1995", "from nineteen ninety to nineteen ninety five"),
    ("from 1990 through 1995", "from nineteen ninety through nineteen ninety five"),
    ("1990 and 1991 were good years", "nineteen ninety and nineteen ninety one were good years"),
    ("pages 1000 and 1200", "pages one thousand and one thousand two hundred"),
    ("from 1500 to 2000 dollars", "from one thousand five hundred to two thousand dollars"),
]


@pytest.mark.parametrize("text,spoken", JOINED_NUMBERS, ids=[c[0] for c in JOINED_NUMBERS])
def test_second_of_two_numbers_reads_like_the_first(text, spoken):
    assert normalize_to_text(text) == spoken


# ----------------------------------------------------------------------------------------------
# Numeric dates: a field over 12 decides, year-first is always Y-M-D, else ``date_order``

NUMERIC_DATES = [
    # text, read with date_order="MDY", read with date_order="DMY"
    ("13/05/2021", "the thirteenth of may twenty twenty one", "the thirteenth of may twenty twenty one"),
    ("05/13/2021", "may thirteenth twenty twenty one", "may thirteenth twenty twenty one"),
    ("03/04/2021", "march fourth twenty twenty one", "the third of april twenty twenty one"),
    ("12/11/99", "december eleventh ninety nine", "the twelfth of november ninety nine"),
    ("13.05.2021", "the thirteenth of may twenty twenty one", "the thirteenth of may twenty twenty one"),
    (
        "04.05.2021",
        "the fourth of may twenty twenty one",  # dots: always day first
        "the fourth of may twenty twenty one",
    ),
    ("04-05-2021", "april fifth twenty twenty one", "the fourth of may twenty twenty one"),
    ("25-12-2021", "the twenty fifth of december twenty twenty one", "the twenty fifth of december twenty twenty one"),
    ("2021-05-13", "may thirteenth twenty twenty one", "may thirteenth twenty twenty one"),
    ("2021-03-04", "march fourth twenty twenty one", "march fourth twenty twenty one"),
    ("2021/5/13", "may thirteenth twenty twenty one", "may thirteenth twenty twenty one"),
    ("on the 13/05/2021", "on the thirteenth of may twenty twenty one", "on the thirteenth of may twenty twenty one"),
]


@pytest.mark.parametrize("text,mdy,dmy", NUMERIC_DATES, ids=[c[0] for c in NUMERIC_DATES])
def test_numeric_dates_in_both_orders(text, mdy, dmy):
    assert normalize_to_text(text) == mdy  # MDY is the default (en-US)
    assert normalize_to_text(text, date_order="MDY") == mdy
    assert normalize_to_text(text, date_order="DMY") == dmy


def test_what_is_no_date_stays_a_number():
    assert normalize_to_text("13/13/2021") != normalize_to_text("13/12/2021")
    assert "december" not in normalize_to_text("13/13/2021", date_order="DMY")
    assert normalize_to_text("version 1.2.3") == "version one point two point three"
    assert normalize_to_text("2021.5.3") == "two thousand twenty one point five point three"
    assert normalize_to_text("3/4") == "three quarters"


def test_date_span_covers_the_written_date():
    text = "Due 13/05/2021."
    words = normalize(text, date_order="DMY")
    assert {(w.start, w.end) for w in words[1:]} == {(4, 14)}
    assert words[-1].punct_after == "."


def test_unknown_date_order_is_refused():
    with pytest.raises(ValueError, match="date_order"):
        normalize("01/02/2021", date_order="YDM")
    with pytest.raises(ValueError, match="date_order"):
        normalize("", date_order="dmy")


def test_a_negative_number_is_no_year():
    assert normalize_to_text("-1999") == "minus one thousand nine hundred ninety nine"
