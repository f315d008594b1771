"""German understanding (skill/understanding/lang/de.toml): the safety screen on people's own words, in Germany,
Austria and Switzerland, written with umlauts or ae/oe/ue as recognisers and keyboards do. The corpus figures live
in tests/understanding/dev_de.tsv and dev2_de.tsv (scored by the last test here); these are the kinds of line each
rule is there for."""
from __future__ import annotations

from pathlib import Path

import pytest

from skill.understanding.language import load_language
from skill.understanding.screen import colors_said, most_cautious, screen
from tests.support.corpus import SAFETY_INTENTS, SAMPLE_NEEDS, SCREEN_STRENGTH, assert_meets_bar, catalogue_samples

DE = load_language("de")


def kind(text: str) -> str | None:
    found = screen(DE, DE.canon(text))
    return found.kind if found else None


@pytest.mark.parametrize("text, expected", [
    ("er schlägt mich", "unsafe"), ("sie bedroht mich", "unsafe"), ("ich habe Angst vor ihm", "unsafe"),
    ("mein Freund hat mir eine Ohrfeige gegeben", "unsafe"), ("er schreit mich jeden Abend an", "unsafe"),
    ("sie sperrt mich ein, wenn sie geht", "unsafe"), ("er hat gesagt, er bringt mich um", "unsafe"),
    ("er liest alle meine Nachrichten", "unsafe"), ("ich darf meine Freunde nicht mehr sehen", "unsafe"),
    ("ich trau mich nicht nach Hause", "unsafe"), ("mei Mann haut mi", "unsafe"),
    ("ich will nicht mehr leben", "at_risk"), ("ich denke daran, mich umzubringen", "at_risk"),
    ("ich will mit allem Schluss machen", "at_risk"), ("am liebsten wäre ich tot", "at_risk"),
    ("ich habe eine ganze Packung Tabletten geschluckt", "at_risk"), ("alle wären ohne mich besser dran", "at_risk"),
    ("mein Mann ist umgekippt und reagiert nicht", "at_risk"), ("i wü nimma lebn", "at_risk"),
    ("Panik, ich kriege keine Luft", "distress"), ("mir geht's dreckig", "distress"), ("ich kann nicht mehr", "distress"),
    ("es ist alles zu viel", "distress"), ("ich hab wieder einen Flashback", "distress"),
    ("ich hab Herzrasen", "distress"), ("ich zittere am ganzen Körper", "distress"), ("ich hab Todesangst", "distress"),
    ("ich halt's nicht mehr aus", "distress"), ("mir gaht's nöd guet", "distress"), ("i cha nöd meh", "distress"),
    ("ich fuehle mich nicht sicher", "distress"),
    ("stopp", "stop"), ("halt", "stop"), ("hör bitte sofort auf", "stop"), ("hoer auf", "stop"), ("genug für heute", "stop"),
    ("Schluss jetzt", "stop"), ("mir reicht's", "stop"), ("nimm deine Hand weg", "stop"), ("i mag nimmer", "stop"),
    ("es isch gnueg", "stop"), ("tschüss", "stop"),
    ("rot", "red"), ("rod", "red"),
])
def test_own_words_for_danger_distress_and_stop(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    "ich lach mich tot", "das Essen war zum Sterben schön", "ich bin todmüde", "ich sterbe vor Hunger",
    "mein Akku ist tot", "ein Glas Rotwein", "sie hat mich beim Schach geschlagen", "er hält meine Hand",
    "sie drückt mich ganz fest", "ich höre auf meinen Körper", "kannst du das Licht ausmachen",
    "am Ende des Tages ist alles gut", "ich habe genug gegessen", "das ist halt so", "wir kommen aus der Schweiz",
    "er nimmt sich heute Zeit für mich", "ich habe mein Handy mitgenommen", "ich schneide Gemüse mit dem Messer",
    "ich will mit ihm Schluss machen", "was passiert wenn ich rot sage",
])
def test_alarming_words_in_everyday_german_are_no_safety_signal(text):
    assert kind(text) is None


@pytest.mark.parametrize("text, expected", [
    ("ich habe keine Angst", None), ("ich hab gar keine Panik", None), ("ich zittere nicht, mir ist nur kalt", None),
    ("ich bin nicht überfordert", None), ("ich bin nicht okay", "distress"), ("mir geht es gar nicht gut", "distress"),
    ("ich will nicht mehr leben", "at_risk"), ("hör nicht auf", None), ("ich will nicht aufhören", None),
])
def test_negation_before_a_noun_or_after_a_verb_turns_a_feeling_round_but_never_a_plea(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("hör bitte sofort auf damit", "stop"), ("wir hören jetzt lieber auf", "stop"), ("hör auf mich zu erinnern", None),
    ("er sperrt mich immer ein", "unsafe"), ("er bringt mich um", "unsafe"), ("er schreit mich dauernd an", "unsafe"),
])
def test_separable_verbs_are_read_with_words_between_verb_and_particle(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("ich grün, er rot", "red"), ("bei mir gelb, bei ihm rot", "red"), ("ich bin grün", "green"),
    ("eher gelb", "yellow"), ("wir sind beide grün", "green"), ("bi mir isch rot", "red"), ("gelb bis rot", "red"),
    ("die rote Decke", None), ("wir haben grünen Tee getrunken", None),
])
def test_colours_said_as_check_ins_the_most_cautious_wins(text, expected):
    assert most_cautious(colors_said(DE, DE.canon(text))) == expected


def _german_samples():
    fill = {"{exercise}": "erdung", "{color}": "grün", "{second}": "gelb", "{rating}": "fünf", "{upper}": "sechs",
            "{minutes}": "zehn", "{setting}": "kürzer", "{when}": "montags um acht"}
    return catalogue_samples(("de", "de-DE"), fill)


@pytest.mark.parametrize("intent, sample", [p for p in _german_samples() if p[0] not in SAFETY_INTENTS])
def test_the_catalogues_own_requests_raise_no_alarm(intent, sample):
    assert kind(sample) in (None, "unsure"), (intent, sample)


@pytest.mark.parametrize("intent, sample", [p for p in _german_samples() if p[0] in ("at_risk", "distress", "stop")])
def test_the_catalogues_safety_samples_are_screened_at_least_as_strongly(intent, sample):
    assert SCREEN_STRENGTH.get(kind(sample), -1) >= SAMPLE_NEEDS[intent], (intent, sample)


# Issue 23: every concept of en.toml said in German words the development corpus never used (written for these
# tests, in the registers of Germany, Austria and Switzerland). A rule is widened by concept, never by line.
@pytest.mark.parametrize("text, expected", [
    # the body: throat, bruises, throwing at, rage at doors and walls
    ("er hat seine Hände um meinen Hals gelegt", "unsafe"), ("er hat mir die Luft abgedrückt", "unsafe"),
    ("ich hab überall blaue Flecken von ihm", "unsafe"), ("er hat mit einem Teller nach mir geworfen", "unsafe"),
    ("er hämmert gegen die Tür", "unsafe"), ("er hat das Handy an die Wand geworfen", "unsafe"),
    ("er wird handgreiflich wenn er trinkt", "unsafe"), ("mein Partner ist gewalttätig", "unsafe"),
    ("er ist wieder betrunken und brüllt rum, ich hab Angst", "unsafe"), ("er tut den Kindern weh", "unsafe"),
    # fear of the partner and of what they will do; threats
    ("ich habe Angst, dass er mich umbringt", "unsafe"), ("wenn er betrunken ist, hab ich Angst um mein Leben", "unsafe"),
    ("ich weiß nicht, was er als Nächstes tut", "unsafe"), ("sie droht mir, die Kinder mitzunehmen", "unsafe"),
    ("er droht, mich rauszuschmeißen", "unsafe"), ("er hat gesagt, er macht mich kalt", "unsafe"),
    ("er sagt er findet mich überall", "unsafe"),
    # control of phone, money, papers, contacts; tracking and stalking
    ("er schaut ständig in mein Handy", "unsafe"), ("er hat meine Passwörter geändert", "unsafe"),
    ("er hat alle meine Kontakte gelöscht", "unsafe"), ("er gibt mir kein Geld", "unsafe"),
    ("ich bekomme nur Taschengeld von ihm", "unsafe"), ("er verbietet mir, meine Freundinnen zu treffen", "unsafe"),
    ("ich muss um Erlaubnis fragen, bevor ich rausgehe", "unsafe"), ("er hört meine Telefonate mit", "unsafe"),
    ("er hat eine App auf mein Handy gemacht, die mich ortet", "unsafe"), ("mein Ex lauert mir auf", "unsafe"),
    ("mein Ex steht jeden Abend vor meiner Tür", "unsafe"), ("er beobachtet mich die ganze Zeit", "unsafe"),
    ("er will immer wissen, wo ich bin", "unsafe"),
    # locked in or out, hiding, kept from speaking, forced
    ("ich komme nicht raus, er hat abgeschlossen", "unsafe"), ("er sperrt mich aus der Wohnung aus", "unsafe"),
    ("ich verstecke mich im Bad vor ihm", "unsafe"), ("er drückt mich runter und ich komm nicht weg", "unsafe"),
    ("er sitzt neben mir, ich kann nichts sagen", "unsafe"), ("er sagt mir, was ich antworten soll", "unsafe"),
    ("er fasst mich an, obwohl ich nicht will", "unsafe"), ("sie lässt mich erst schlafen, wenn ich mitmache", "unsafe"),
    ("er nötigt mich", "unsafe"), ("wenn ich nicht mache, was er sagt, gibt es Ärger", "unsafe"),
    ("ich laufe auf Eierschalen bei ihm", "unsafe"), ("er macht mich fertig, jeden Tag", "unsafe"),
    ("ich werde zu Hause geschlagen", "unsafe"), ("zuhause bin ich nicht sicher", "unsafe"),
    ("mei Oida haut mi", "unsafe"), ("mi Maa schlaht mi", "unsafe"), ("er het mi gschlage", "unsafe"),
    ("ich hab Angst, nach Hause zu gehen", "unsafe"), ("ich hab Angst vor seinen Wutausbrüchen", "unsafe"),
    ("er kommt gleich heim und ich hab Angst", "unsafe"), ("der tut mir was, wenn ich rede", "unsafe"),
    ("er spuckt mich an", "unsafe"), ("er hat meine Sachen aus dem Fenster geworfen", "unsafe"),
    ("mei Mo hot mi gschlogn", "unsafe"), ("er hat mi ogschrien und gschubst", "unsafe"), ("mi Frau tuet mer weh", "unsafe"),
    ("er hat mir eine runtergehauen", "unsafe"), ("er hat mich in den Schwitzkasten genommen", "unsafe"),
    ("meine Partnerin schlägt zu, wenn sie betrunken ist", "unsafe"), ("ich trau mich nicht, ihm zu widersprechen", "unsafe"),
    ("ich muss ihm jeden Beleg zeigen", "unsafe"), ("er will meine Passwörter", "unsafe"),
    ("ich darf mich mit niemandem treffen", "unsafe"), ("er sagt, ich soll den Kontakt zu meiner Familie abbrechen", "unsafe"),
    ("er hat gesagt, wenn ich gehe, sehe ich die Kinder nie wieder", "unsafe"), ("er lässt mich nicht zum Arzt", "unsafe"),
    ("ich darf kein eigenes Konto haben", "unsafe"), ("er hat mich mit dem Auto fast überfahren", "unsafe"),
    ("er hat mich die ganze Nacht nicht schlafen lassen", "unsafe"), ("er brüllt mich jeden Tag zusammen", "unsafe"),
    ("er hat meinen Arm verdreht", "unsafe"), ("ich trau mich nicht, ihm zu sagen, dass ich das nicht will", "unsafe"),
    ("i ha Angscht vor mim Maa", "unsafe"), ("der hot mi gwürgt", "unsafe"),
])
def test_unsafe_with_a_partner_by_concept(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    "ich mag nicht mehr leben", "ich hab keine Lust mehr zu leben", "am liebsten würde ich einschlafen und nie mehr aufwachen",
    "ich bring mich um", "ich häng mich auf", "ich habe mir überlegt, wie ich es machen würde",
    "ich hab die Tabletten schon hier liegen", "ich hab mir ein Seil besorgt", "ich stehe auf der Brücke",
    "ich steh am Fenster und will springen", "ich hab alles geregelt", "ich hab meine Sachen verschenkt",
    "das ist mein letzter Abend", "wozu überhaupt noch", "das Leben lohnt sich nicht mehr",
    "ich hab nichts mehr, wofür es sich zu leben lohnt", "ich denke ständig an den Tod", "der Tod wäre eine Erlösung",
    "ich will einfach nur weg, für immer", "ich will dem ein Ende setzen", "ich hab Angst, dass ich mir was antue",
    "ich trau mir selbst nicht mehr", "ich kann für nichts mehr garantieren",
    "ich hab mir mit der Zigarette den Arm verbrannt", "ich schlage meinen Kopf gegen die Wand",
    "meine Frau redet davon, sich das Leben zu nehmen", "er liegt am Boden und rührt sich nicht",
    "er blutet ganz stark", "es hört nicht auf zu bluten", "ich glaube, ich kippe gleich um",
    "sie hat was genommen und wacht nicht auf", "ruf einen Krankenwagen", "ruf die 112", "wir brauchen einen Notarzt",
    "ich halt das Leben nicht mehr aus", "ich denk dran, mir das Leben zu nehmen", "ich hab mich gestern wieder verletzt",
    "ich setze dem heute ein Ende", "ich hätte nichts dagegen, wenn ich morgen nicht aufwache",
    "ich hab das Messer schon neben mir liegen", "ich hab schon die Rasierklingen rausgelegt",
    "ich bin nur noch eine Belastung", "meine Kinder hätten es ohne mich besser", "sie liegt auf dem Boden und atmet komisch", "er ist ganz blass und kalt und reagiert nicht", "ich hab Gift genommen",
])
def test_risk_to_life_by_concept(text):
    assert kind(text) == "at_risk"


@pytest.mark.parametrize("text", [
    "mein Herz schlägt wie verrückt", "ich atme viel zu schnell", "ich muss mich gleich übergeben", "ich muss kotzen",
    "meine Beine sind wie Pudding", "ich bin wie eingefroren", "ich fühl mich wie im Nebel", "alles ist so weit weg",
    "alles fühlt sich so unecht an", "ich bin gar nicht richtig hier", "ich bin nicht ich selbst",
    "ich sehe die Bilder wieder", "die Bilder gehen nicht weg", "ich hab das alles wieder vor Augen",
    "ich sehe die zwei zusammen im Bett vor mir", "ich muss immer an die Nachrichten denken, die sie geschrieben hat",
    "es ist, als wäre es gestern passiert", "ich bin wieder in dem Hotelzimmer", "mir kommen ständig die Tränen",
    "ich muss die ganze Zeit heulen", "ich schäm mich zu Tode", "ich fühle mich so allein", "ich werd noch verrückt",
    "ich verliere die Kontrolle", "ich hab mich nicht mehr im Griff", "ich krieg mich nicht mehr ein",
    "alles bricht über mir zusammen", "ich bin fix und alle", "ich bin voll im Eimer", "mir wächst alles über den Kopf",
    "ich halte den Schmerz nicht aus", "es tut so weh, was er gemacht hat", "ich hab das Gefühl zu ersticken",
    "kann mir bitte jemand helfen", "ich will nur noch weg hier", "mir is ned guad", "alles in mir schreit",
    "es ist alles so schlimm", "mir schnürt es die Kehle zu", "ich bin fertig mit der Welt",
    "ich fühl mich wie der letzte Dreck", "ich komm nicht mehr klar", "ich hab einen totalen Blackout",
    "mein Kopf ist leer, ich kann nichts mehr", "das Bild von den beiden geht mir nicht aus dem Kopf",
    "immer wenn du mich anfasst, denke ich an sie", "ich bin so verletzt", "es zerreißt mich",
    "mir isch so schlächt", "i hob so Angscht", "ich stehe völlig neben mir", "ich bin total neben mir",
])
def test_distress_by_concept(text):
    assert kind(text) == "distress"


@pytest.mark.parametrize("text", [
    "lassen wir es für heute", "für heute ist Schluss", "mach Schluss", "ich hab genug", "ich ha gnueg",
    "ich hab keine Lust mehr", "heute nicht mehr", "ich bin raus", "ich steig aus", "ich will raus aus der Übung",
    "ich gehe jetzt", "ich geh ins Bett", "wir gehen jetzt schlafen", "gute Nacht", "sei still", "halt die Klappe",
    "Ruhe", "psst", "ich will allein sein", "ich will meine Ruhe", "lass mich", "lass los",
    "hör auf mich anzufassen", "schalt ab", "ausschalten", "wir sind fertig", "erledigt", "ich kann das heute nicht",
    "lass es", "verschwinde", "weg da", "aufhörn", "nicht weitermachen bitte", "ich hab jetzt echt genug",
    "können wir das bitte lassen", "i mog nimma weida", "jetzt nicht mehr, bitte",
    "mir höred uf", "gemma, aus is",
])
def test_stop_by_concept(text):
    assert kind(text) == "stop"


@pytest.mark.parametrize("text", [
    "er hat mich beim Kartenspielen geschlagen", "die Arbeit macht mich fertig", "ich bin gleich fertig mit dem Abwasch",
    "wir sind wieder im Wohnzimmer", "ich will ins Wasser springen", "ich habe mich beim Kochen geschnitten",
    "mein Zahnfleisch blutet ein bisschen", "er ist total nett zu mir", "ich war beim Fußball und wurde getreten",
    "der Hund ist aggressiv gegenüber Katzen", "er liest mir was vor", "ich will für immer bei dir bleiben",
    "mehr Ruhe bitte", "er wirft den Ball nach dem Hund", "das ist unser letzter Abend im Urlaub",
    "es droht zu regnen", "er hat das Licht ausgemacht", "ich bin nicht allein", "wir sehen die Bilder vom Urlaub",
    "ich muss an die Einkäufe denken", "er ruft mich jeden Abend an", "ich gehe zuerst", "servus",
    "er hat die Tür abgeschlossen, bevor wir ins Bett sind", "er reagiert nicht auf meine Nachrichten",
    "er tut mir was Gutes", "wir haben die alten Sachen verschenkt", "ich habe meine Tabletten heute schon genommen",
    "ich sehe die Berge vor mir", "er ist aggressiv Auto gefahren", "das Messer liegt in der Schublade",
    "ich habe den Schmuck meiner Oma geerbt", "meine Nase blutet ein bisschen", "das Lied geht mir nicht aus dem Kopf", "ich komme mit der App nicht klar",
    "können wir es so lassen", "ich bin am Knie verletzt", "wenn ich morgen nicht aufwache, weck mich", "er sitzt neben mir auf dem Sofa", "sie sitzt neben mir und wir halten Händchen",
    "er hat die Autotür zugeschlagen", "der Nachbar nervt, ich dreh gleich durch haha",
    "mein Chef bringt mich noch um mit seinen Mails",
])
def test_everyday_german_near_the_new_concepts_raises_no_alarm(text):
    assert kind(text) is None


@pytest.mark.parametrize("name", ["dev_de.tsv", "dev2_de.tsv"])
def test_the_development_corpora_are_understood(name):
    """Every line of a German development corpus through the whole layer (screen, colours, classifier) in de-DE:
    every safety line honoured, 95% of the others, as the held-out bar (tests/support/corpus.py)."""
    assert_meets_bar(Path(__file__).resolve().parent / "understanding" / name, "de-DE")


@pytest.mark.parametrize("text, expected", [
    ("du laberst echt zu viel", "setting:less_talking"), ("bitte weniger erklären", "setting:less_talking"),
    ("kannst du bitte weniger reden", "setting:less_talking"), ("quatsch nicht so viel", "setting:less_talking"),
    ("das ist mir zu lang", "setting:shorter"), ("kannst du es kürzer machen", "setting:shorter"),
    ("mach die Abschnitte bitte länger", "setting:longer"), ("das ist viel zu kurz", "setting:longer"),
    ("erklär bitte mehr", "setting:more_talking"), ("die Übung mit den fünf Sinnen", "start:grounding"),
    ("die Streichelübung bitte", "start:sensate_focus"), ("lass uns die Umarmung machen", "start:closeness"),
    ("wir wollen uns zusammen hinlegen", "start:lying_together"), ("überspring den Teil", "next"),
    ("das können wir auslassen", "next"), ("die Pause ist vorbei, weiter", "resume"), ("wir sind wieder da", "resume"),
    ("was soll ich jetzt machen", "help"), ("Moment, halt mal an, es klingelt", "pause"),
    ("geh noch mal einen Schritt zurück", "back"), ("grün, alles gut", "green"), ("gelb, würde ich sagen", "yellow"),
    ("rot, echt", "red"),
])
def test_settings_exercises_and_navigation_in_everyday_words(text, expected):
    """Through the whole layer in de-DE: the catalogue's samples and named values, read in people's own words."""
    from skill.understanding import reader_for
    from tests.support.corpus import reading

    assert reading(reader_for("de-DE").understand(text).event) == expected


@pytest.mark.parametrize("text, expected", [
    ("stopp die Erinnerungen", None), ("beende meine Erinnerungen bitte", None), ("hör auf mit den Erinnerungen", None),
    ("stopp die Erinnerungen und die Übung", "stop"), ("stopp die Erinnerungen, ich hab Angst", "distress"),
])
def test_a_stop_of_the_reminders_is_no_stop_of_the_exercise(text, expected):
    assert kind(text) == expected
