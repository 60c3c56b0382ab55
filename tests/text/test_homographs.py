"""Homograph rules on a hand-written set of everyday sentences.

``SENTENCES`` is the evaluation set: 10+ sentences for each of the 15 words (and "used"),
written to cover the common constructions of each reading, hard ones included. The rules must
get at least ``MIN_ACCURACY`` of them right overall and every word's sentences at least
``MIN_WORD_ACCURACY``; ``MUST_PASS`` are cases a user notices at once and must all be right.

Measured on all 305 sentences: 84.6% (258) with the rules as they were before this set was
written, 99.7% (304) now; the one miss, "My father read to me every night", needs a tagger.
The last 84 sentences were written after the rules had been revised, as a check on
overfitting: on them the revised rules got 89.3% (75) before the next fixes, the old 82.1%.
"""

import pytest

from bittts.engine.text.homographs import HOMOGRAPHS, resolve
from bittts.engine.text.normalize import normalize
from bittts.engine.text.phonemize import phonemize

# word -> reading name -> phones
READINGS = {
    "read": {"past": "R EH1 D", "present": "R IY1 D"},
    "live": {"adj": "L AY1 V", "verb": "L IH1 V"},
    "lead": {"metal": "L EH1 D", "guide": "L IY1 D"},
    "record": {"verb": "R IH0 K AO1 R D", "noun": "R EH1 K ER0 D"},
    "records": {"verb": "R IH0 K AO1 R D Z", "noun": "R EH1 K ER0 D Z"},
    "present": {"verb": "P R IY0 Z EH1 N T", "noun": "P R EH1 Z AH0 N T"},
    "object": {"verb": "AH0 B JH EH1 K T", "noun": "AA1 B JH EH0 K T"},
    "wind": {"verb": "W AY1 N D", "noun": "W IH1 N D"},
    "tear": {"rip": "T EH1 R", "drop": "T IH1 R"},
    "tears": {"rip": "T EH1 R Z", "drop": "T IH1 R Z"},
    "close": {"near": "K L OW1 S", "shut": "K L OW1 Z"},
    "use": {"noun": "Y UW1 S", "verb": "Y UW1 Z"},
    "used": {"accustomed": "Y UW1 S T", "employed": "Y UW1 Z D"},
    "minute": {"tiny": "M AY0 N UW1 T", "time": "M IH1 N AH0 T"},
    "wound": {"wind": "W AW1 N D", "injury": "W UW1 N D"},
    "bass": {"fish": "B AE1 S", "low": "B EY1 S"},
    "bow": {"ribbon": "B OW1", "bend": "B AW1"},
    "row": {"quarrel": "R AW1", "line": "R OW1"},
}

# (sentence, homograph, expected reading); the first occurrence of the word is checked
SENTENCES = [
    # read
    ("I read it yesterday.", "read", "past"),
    ("I will read it tonight.", "read", "present"),
    ("She has read every book in the house.", "read", "past"),
    ("I want to read more.", "read", "present"),
    ("I read the news every morning.", "read", "present"),
    ("Have you read this article?", "read", "past"),
    ("I read that book last year.", "read", "past"),
    ("He can read French.", "read", "present"),
    ("They read the letter and laughed.", "read", "past"),
    ("Please read the instructions.", "read", "present"),
    ("The book was widely read.", "read", "past"),
    ("Did you read it yesterday?", "read", "present"),
    ("I had read the report before the meeting.", "read", "past"),
    ("Read the label carefully.", "read", "present"),
    ("She read aloud to the class.", "read", "past"),
    ("We read it last night.", "read", "past"),
    ("You should read this.", "read", "present"),
    ("I've read it twice.", "read", "past"),
    ("Kids who read for fun do better at school.", "read", "present"),
    ("I read somewhere that it works.", "read", "past"),
    # live
    ("We watched a live broadcast.", "live", "adj"),
    ("This is where they live.", "live", "verb"),
    ("I live in London.", "live", "verb"),
    ("The concert was broadcast live.", "live", "adj"),
    ("They want to live forever.", "live", "verb"),
    ("Live music every Friday.", "live", "adj"),
    ("Careful, that is a live wire.", "live", "adj"),
    ("Fish live in water.", "live", "verb"),
    ("The show goes live at nine.", "live", "adj"),
    ("How long do you live there?", "live", "verb"),
    ("We saw live animals at the farm.", "live", "adj"),
    ("He is live on air right now.", "live", "adj"),
    ("Long live the king!", "live", "verb"),
    ("People now live longer than ever.", "live", "verb"),
    ("We are now live from the stadium.", "live", "adj"),
    ("These are live rounds.", "live", "adj"),
    # lead
    ("The lead singer left the band.", "lead", "guide"),
    ("Lead poisoning is dangerous.", "lead", "metal"),
    ("She will lead the team.", "lead", "guide"),
    ("The old pipes were made of lead.", "lead", "metal"),
    ("He took the lead in the race.", "lead", "guide"),
    ("Follow my lead.", "lead", "guide"),
    ("All roads lead to Rome.", "lead", "guide"),
    ("Exposure to lead is harmful.", "lead", "metal"),
    ("The detective followed a new lead.", "lead", "guide"),
    ("They lead a busy life.", "lead", "guide"),
    ("The lead paint was removed.", "lead", "metal"),
    ("Lead by example.", "lead", "guide"),
    ("Use lead free petrol.", "lead", "metal"),
    ("She has the lead role.", "lead", "guide"),
    ("The water had high levels of lead.", "lead", "metal"),
    # record
    ("I want to record a song.", "record", "verb"),
    ("He broke the world record.", "record", "noun"),
    ("They record every call.", "record", "verb"),
    ("Keep a record of your expenses.", "record", "noun"),
    ("The band will record a new album.", "record", "verb"),
    ("It was a record year for sales.", "record", "noun"),
    ("Please record the meeting.", "record", "verb"),
    ("A record number of visitors came.", "record", "noun"),
    ("Record the results in your notebook.", "record", "verb"),
    ("She holds the record for the mile.", "record", "noun"),
    ("His criminal record is clean.", "record", "noun"),
    ("Did you record it?", "record", "verb"),
    ("Cameras record everything.", "record", "verb"),
    ("Just for the record, I disagree.", "record", "noun"),
    ("The records show a rise.", "records", "noun"),
    ("The camera records everything.", "records", "verb"),
    # present
    ("I bought her a present.", "present", "noun"),
    ("They will present the results.", "present", "verb"),
    ("Present them with the award.", "present", "verb"),
    ("At present we have no plans.", "present", "noun"),
    ("Everyone was present at the meeting.", "present", "noun"),
    ("It is a problem in the present day.", "present", "noun"),
    ("We present our new product.", "present", "verb"),
    ("He wants to present his findings.", "present", "verb"),
    ("Live in the present.", "present", "noun"),
    ("The present situation is bad.", "present", "noun"),
    ("I present to you the winner.", "present", "verb"),
    ("The students present their projects today.", "present", "verb"),
    ("It was a birthday present.", "present", "noun"),
    ("Please present your ticket.", "present", "verb"),
    # object
    ("I object to that.", "object", "verb"),
    ("The object fell to the floor.", "object", "noun"),
    ("Did anyone object?", "object", "verb"),
    ("It was an unidentified flying object.", "object", "noun"),
    ("The object of the game is to win.", "object", "noun"),
    ("Many people object to the plan.", "object", "verb"),
    ("We strongly object.", "object", "verb"),
    ("She may object.", "object", "verb"),
    ("Find the direct object.", "object", "noun"),
    ("If you object, say so.", "object", "verb"),
    ("Neighbours object to the noise.", "object", "verb"),
    ("Put each object in the box.", "object", "noun"),
    # wind
    ("The wind is strong today.", "wind", "noun"),
    ("Wind the clock every night.", "wind", "verb"),
    ("Don't forget to wind your watch.", "wind", "verb"),
    ("A cold wind blew from the north.", "wind", "noun"),
    ("We need to wind down.", "wind", "verb"),
    ("The wind blew the door open.", "wind", "noun"),
    ("Wind turbines produce power.", "wind", "noun"),
    ("He felt the wind in his hair.", "wind", "noun"),
    ("They wind the rope around the post.", "wind", "verb"),
    ("The path will wind through the forest.", "wind", "verb"),
    ("Wind power is cheap.", "wind", "noun"),
    ("The wind up here is cold.", "wind", "noun"),
    ("Let's wind it up.", "wind", "verb"),
    # tear
    ("A tear ran down her cheek.", "tear", "drop"),
    ("Don't tear the paper.", "tear", "rip"),
    ("She wiped a tear from her eye.", "tear", "drop"),
    ("Tears of joy filled her eyes.", "tears", "drop"),
    ("He shed a tear.", "tear", "drop"),
    ("Tear along the dotted line.", "tear", "rip"),
    ("It is normal wear and tear.", "tear", "rip"),
    ("Her eyes filled with tears.", "tears", "drop"),
    ("They tear down old buildings.", "tear", "rip"),
    ("There is a tear in my jeans.", "tear", "rip"),
    ("She had a tear in her eye.", "tear", "drop"),
    ("The police used tear gas.", "tear", "drop"),
    ("She was in tears.", "tears", "drop"),
    ("Tear it up.", "tear", "rip"),
    ("He suffered a muscle tear.", "tear", "rip"),
    # close
    ("Please close the door.", "close", "shut"),
    ("We live close to the station.", "close", "near"),
    ("Close the window.", "close", "shut"),
    ("That was a close call.", "close", "near"),
    ("The shop will close at six.", "close", "shut"),
    ("She is a close friend.", "close", "near"),
    ("Stay close.", "close", "near"),
    ("We met at the close of the day.", "close", "shut"),
    ("They close early on Sundays.", "close", "shut"),
    ("It is close to home.", "close", "near"),
    ("The end is close.", "close", "near"),
    ("Don't close it.", "close", "shut"),
    ("He lives close by.", "close", "near"),
    ("Close your eyes.", "close", "shut"),
    ("Markets close lower on bad news.", "close", "shut"),
    # use
    ("What is the use of it?", "use", "noun"),
    ("I use it every day.", "use", "verb"),
    ("It is no use.", "use", "noun"),
    ("We use solar power.", "use", "verb"),
    ("Use the stairs.", "use", "verb"),
    ("For internal use only.", "use", "noun"),
    ("The use of force is banned.", "use", "noun"),
    ("They use computers.", "use", "verb"),
    ("There's no use crying.", "use", "noun"),
    ("Can I use your phone?", "use", "verb"),
    ("Make good use of your time.", "use", "noun"),
    ("The room is in use.", "use", "noun"),
    ("Drug use is rising.", "use", "noun"),
    ("How do I use this?", "use", "verb"),
    # used
    ("I used to live here.", "used", "accustomed"),
    ("It was used to cut wood.", "used", "employed"),
    ("She is used to the cold.", "used", "accustomed"),
    ("We used a knife.", "used", "employed"),
    ("I'm not used to this.", "used", "accustomed"),
    ("You'll get used to it.", "used", "accustomed"),
    ("He bought a used car.", "used", "employed"),
    ("These are used to make paper.", "used", "employed"),
    ("He used to say that.", "used", "accustomed"),
    ("They are used to working late.", "used", "accustomed"),
    # minute
    ("Wait a minute.", "minute", "time"),
    ("A minute amount was found.", "minute", "tiny"),
    ("It takes one minute.", "minute", "time"),
    ("He explained the minute details.", "minute", "tiny"),
    ("The minute hand moved.", "minute", "time"),
    ("She described it in minute detail.", "minute", "tiny"),
    ("Every minute counts.", "minute", "time"),
    ("These particles are minute.", "minute", "tiny"),
    ("We made some last minute changes.", "minute", "time"),
    ("The minute I saw her, I knew.", "minute", "time"),
    ("It changed minute by minute.", "minute", "time"),
    ("There was a minute difference.", "minute", "tiny"),
    # wound
    ("The wound healed slowly.", "wound", "injury"),
    ("He wound up the clock.", "wound", "wind"),
    ("She wound the rope around her arm.", "wound", "wind"),
    ("It was a deep wound.", "wound", "injury"),
    ("The road wound through the hills.", "wound", "wind"),
    ("He had a wound on his leg.", "wound", "injury"),
    ("Wound care is important.", "wound", "injury"),
    ("They had wound the clock.", "wound", "wind"),
    ("The bullet wound was deep.", "wound", "injury"),
    ("His words wound her deeply.", "wound", "injury"),
    ("The spring was wound tightly.", "wound", "wind"),
    # bass
    ("He plays bass guitar.", "bass", "low"),
    ("We caught a bass.", "bass", "fish"),
    ("The bass was too loud.", "bass", "low"),
    ("They stocked striped bass.", "bass", "fish"),
    ("Bass fishing is fun.", "bass", "fish"),
    ("He is a bass player.", "bass", "low"),
    ("Turn up the bass.", "bass", "low"),
    ("She sings bass.", "bass", "low"),
    ("We fished for bass in the lake.", "bass", "fish"),
    ("I love that bass line.", "bass", "low"),
    ("Sea bass is on the menu.", "bass", "fish"),
    ("He hit the bass drum.", "bass", "low"),
    # bow
    ("He made a bow and arrow.", "bow", "ribbon"),
    ("The actors bow to the crowd.", "bow", "bend"),
    ("He took a bow.", "bow", "bend"),
    ("She tied a bow.", "bow", "ribbon"),
    ("Bow your head.", "bow", "bend"),
    ("Waves hit the bow of the ship.", "bow", "bend"),
    ("He bought a violin bow.", "bow", "ribbon"),
    ("They bow down.", "bow", "bend"),
    ("She wore a pink bow.", "bow", "ribbon"),
    ("He drew his bow.", "bow", "ribbon"),
    ("It is time to bow out.", "bow", "bend"),
    ("He wore a bow tie.", "bow", "ribbon"),
    ("We stood on the deck at the bow.", "bow", "bend"),
    ("She gave a low bow.", "bow", "bend"),
    # row
    ("A row of houses stood there.", "row", "line"),
    ("They had a blazing row.", "row", "quarrel"),
    ("We won three games in a row.", "row", "line"),
    ("Row the boat to shore.", "row", "line"),
    ("There was a row over money.", "row", "quarrel"),
    ("We sat in the front row.", "row", "line"),
    ("They had a row about money.", "row", "quarrel"),
    ("He sat in the back row.", "row", "line"),
    ("A row broke out at the meeting.", "row", "quarrel"),
    ("They row every morning.", "row", "line"),
    ("It was a furious row.", "row", "quarrel"),
    ("Add a new row to the table.", "row", "line"),
    # written after the rules' first revision (44), then after the second (40): checks
    # of sentences the rules had not been fitted to
    ("My father read to me every night.", "read", "past"),
    ("Can you read this sign?", "read", "present"),
    ("The kids read quietly while we cooked.", "read", "past"),
    ("Have they read the contract?", "read", "past"),
    ("You must read the fine print.", "read", "present"),
    ("We went live at noon.", "live", "adj"),
    ("Where did you live before?", "live", "verb"),
    ("Plants need light to live.", "live", "verb"),
    ("The live feed crashed.", "live", "adj"),
    ("The lead actor was brilliant.", "lead", "guide"),
    ("They found lead in the water.", "lead", "metal"),
    ("Managers lead by example.", "lead", "guide"),
    ("Old houses often have lead pipes.", "lead", "metal"),
    ("The company had a record quarter.", "record", "noun"),
    ("Doctors record the symptoms.", "record", "verb"),
    ("I keep a record of it.", "record", "noun"),
    ("We will present a plan.", "present", "verb"),
    ("No one was present.", "present", "noun"),
    ("What a lovely present!", "present", "noun"),
    ("Does anyone object to this?", "object", "verb"),
    ("A strange object appeared.", "object", "noun"),
    ("The wind picked up.", "wind", "noun"),
    ("You wind the key twice.", "wind", "verb"),
    ("Tears streamed down his face.", "tears", "drop"),
    ("Be careful not to tear it.", "tear", "rip"),
    ("He moved close to the fire.", "close", "near"),
    ("Did they close the road?", "close", "shut"),
    ("The store is about to close.", "close", "shut"),
    ("We were close friends.", "close", "near"),
    ("Do not use the lift.", "use", "verb"),
    ("He got used to the noise.", "used", "accustomed"),
    ("The room was used for storage.", "used", "employed"),
    ("We used to go there.", "used", "accustomed"),
    ("Give me a minute.", "minute", "time"),
    ("Even minute errors matter.", "minute", "tiny"),
    ("The wound bled.", "wound", "injury"),
    ("She wound the watch.", "wound", "wind"),
    ("The bass boomed through the wall.", "bass", "low"),
    ("He landed a huge bass.", "bass", "fish"),
    ("The singers bow at the end.", "bow", "bend"),
    ("Her hair was tied with a bow.", "bow", "ribbon"),
    ("They sat in a row.", "row", "line"),
    ("The neighbours had a huge row.", "row", "quarrel"),
    ("We row across the lake.", "row", "line"),
    ("Nobody will read that report.", "read", "present"),
    ("We read about it in the paper last week.", "read", "past"),
    ("They like to read in bed.", "read", "present"),
    ("It must be read carefully.", "read", "past"),
    ("The band played live in Berlin.", "live", "adj"),
    ("Birds live in nests.", "live", "verb"),
    ("I could live without it.", "live", "verb"),
    ("Who will lead the project?", "lead", "guide"),
    ("The lead weight sank.", "lead", "metal"),
    ("They took a two goal lead.", "lead", "guide"),
    ("Police record all calls.", "record", "verb"),
    ("That song was a hit record.", "record", "noun"),
    ("She set a new record.", "record", "noun"),
    ("The data present a clear picture.", "present", "verb"),
    ("He was not present.", "present", "noun"),
    ("I have a present for you.", "present", "noun"),
    ("Why do you object?", "object", "verb"),
    ("Each object has a label.", "object", "noun"),
    ("A strong wind knocked it over.", "wind", "noun"),
    ("I need to wind the cable.", "wind", "verb"),
    ("She burst into tears.", "tears", "drop"),
    ("Tear off the coupon.", "tear", "rip"),
    ("The end was close.", "close", "near"),
    ("We close on Mondays.", "close", "shut"),
    ("Keep a close eye on it.", "close", "near"),
    ("It was in use all day.", "use", "noun"),
    ("Use it wisely.", "use", "verb"),
    ("I am used to it.", "used", "accustomed"),
    ("The data were used to train the model.", "used", "employed"),
    ("It only takes a minute.", "minute", "time"),
    ("A minute later, he left.", "minute", "time"),
    ("The wound was clean.", "wound", "injury"),
    ("The clock was wound up.", "wound", "wind"),
    ("He turned the bass up.", "bass", "low"),
    ("He caught three bass.", "bass", "fish"),
    ("We bow our heads.", "bow", "bend"),
    ("The archer drew the bow.", "bow", "ribbon"),
    ("Take the second row.", "row", "line"),
    ("A row of trees lined the road.", "row", "line"),
    ("The row with his boss got worse.", "row", "quarrel"),
]

# The cases a user notices at once: each must be right.
MUST_PASS = [
    ("I read it yesterday.", "read", "past"),
    ("I will read it.", "read", "present"),
    ("She has read it.", "read", "past"),
    ("I want to read it.", "read", "present"),
    ("We watched a live broadcast.", "live", "adj"),
    ("This is where they live.", "live", "verb"),
    ("The lead singer left.", "lead", "guide"),
    ("Lead poisoning is dangerous.", "lead", "metal"),
    ("I want to record it.", "record", "verb"),
    ("It is a record.", "record", "noun"),
    ("Present them with the prize.", "present", "verb"),
    ("Live in the present.", "present", "noun"),
    ("Close the door.", "close", "shut"),
    ("We are close to home.", "close", "near"),
]

MIN_ACCURACY = 0.95
MIN_WORD_ACCURACY = 0.85


def reading_of(text, word, lexicon):
    """The name of the reading that phonemize gives the first ``word`` of ``text``."""
    phones = next(" ".join(p) for w, p in phonemize(normalize(text), lexicon) if w.text == word)
    names = [name for name, ph in READINGS[word].items() if ph == phones]
    assert names, f"{word!r} in {text!r} got {phones}, not one of its readings"
    return names[0]


def test_readings_match_the_rule_table():
    for word, readings in READINGS.items():
        _, if_true, if_false = HOMOGRAPHS[word]
        assert {" ".join(if_true), " ".join(if_false)} == set(readings.values()), word


def test_every_word_has_its_sentences_and_both_readings():
    for word in HOMOGRAPHS:
        if word.endswith("s") and word != "bass":
            continue  # plural forms ride on their singular's sentences
        cases = [r for _, w, r in SENTENCES if w == word]
        assert len(cases) >= 10, word
        assert set(cases) == set(READINGS[word]), word


@pytest.mark.parametrize("text,word,reading", MUST_PASS, ids=[c[0] for c in MUST_PASS])
def test_must_pass(lexicon, text, word, reading):
    assert reading_of(text, word, lexicon) == reading


def test_accuracy_on_the_hand_written_set(lexicon):
    misses = [(t, w, r) for t, w, r in SENTENCES if reading_of(t, w, lexicon) != r]
    accuracy = 1 - len(misses) / len(SENTENCES)
    assert accuracy >= MIN_ACCURACY, (f"{accuracy:.1%}", misses)
    for word in {w for _, w, _ in SENTENCES}:
        cases = [(t, r) for t, w, r in SENTENCES if w == word]
        wrong = [t for t, w, _ in misses if w == word]
        assert 1 - len(wrong) / len(cases) >= MIN_WORD_ACCURACY, (word, wrong)


def test_resolve_ignores_other_words_and_needs_no_neighbours():
    assert resolve(["hello"], 0) is None
    assert resolve(["read"], 0) == tuple(READINGS["read"]["present"].split())
    assert resolve(["wound"], 0) == tuple(READINGS["wound"]["injury"].split())
