"""French understanding (skill/understanding/lang/fr.toml): the safety screen on people's own words, in France,
Quebec and Switzerland, written with or without accents as recognisers do. The corpus figures live in
tests/understanding/dev_fr.tsv and dev2_fr.tsv (scored by the last test here); these are the kinds of line each rule is
there for."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from skill.understanding.language import load_language
from skill.understanding.screen import colors_said, most_cautious, screen
from skill.understanding import reader_for
from tests.support.corpus import SAFETY_INTENTS, SAMPLE_NEEDS, SCREEN_STRENGTH, assert_meets_bar, catalogue_samples, reading

FR = load_language("fr")


def kind(text: str) -> str | None:
    found = screen(FR, FR.canon(text))
    return found.kind if found else None


@pytest.mark.parametrize("text, expected", [
    ("il m'a giflée", "unsafe"), ("mon chum m'a poussée contre le mur", "unsafe"),
    ("il a pris mon téléphone", "unsafe"), ("il me laisse pas sortir", "unsafe"),
    ("il m'a dit que si je partais il me tuerait", "unsafe"), ("il me tient les poignets", "unsafe"),
    ("je suis enfermée dans la salle de bain", "unsafe"), ("j'ai peur de ce qu'il va faire", "unsafe"),
    ("je veux mourir", "at_risk"), ("j'ai plus envie de vivre", "at_risk"), ("j'ai pris trop de cachets", "at_risk"),
    ("jarrive pas a respirer", "at_risk"), ("j'ai de la misère à respirer", "at_risk"),
    ("j'ai mal à la poitrine", "at_risk"), ("tout le monde serait mieux sans moi", "at_risk"),
    ("j'en peux pu", "distress"), ("chu pas correct pantoute", "distress"), ("ça va pas du tout", "distress"),
    ("ca va pas", "distress"), ("je fais une crise d'angoisse", "distress"), ("je tremble de partout", "distress"),
    ("j'arrête pas de pleurer", "distress"), ("je revois les messages en boucle", "distress"),
    ("j'ai l'impression de plus être dans mon corps", "distress"), ("je capote", "distress"),
    ("mon conjoint se met à pleurer", "distress"),
    ("on arrête là", "stop"), ("arrete", "stop"), ("non non non stop", "stop"), ("enlève ta main", "stop"),
    ("j'ai mon voyage, on arrête", "stop"), ("rouge", "red"), ("chu rouge", "red"),
])
def test_own_words_for_danger_distress_and_stop(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    "je meurs de faim", "je suis mort de rire", "un verre de vin rouge", "mon téléphone est mort",
    "elle m'a battue aux échecs", "il m'a pris la main, c'était doux", "elle me serre dans ses bras",
    "je me suis coupé le doigt en cuisinant", "t'as fermé la porte", "aidez-moi à m'ancrer",
])
def test_alarming_words_in_everyday_french_are_no_safety_signal(text):
    assert kind(text) is None


@pytest.mark.parametrize("text, expected", [
    ("j'ai pas peur", None), ("je ne suis pas paniquée", None), ("je vais pas bien", "distress"),
    ("je ne veux plus vivre", "at_risk"),
])
def test_spoken_negation_turns_a_feeling_round_but_never_a_plea(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("moi vert, lui rouge", "red"), ("moi jaune mais elle est rouge", "red"), ("je suis vert", "green"),
    ("plutôt orange", "yellow"), ("vert pour nous deux", "green"), ("un verre de vin rouge", None),
])
def test_colours_said_as_check_ins_the_most_cautious_wins(text, expected):
    assert most_cautious(colors_said(FR, FR.canon(text))) == expected


def _french_samples():
    fill = {"{exercise}": "ancrage", "{color}": "vert", "{second}": "jaune", "{rating}": "cinq", "{upper}": "six",
            "{minutes}": "dix", "{setting}": "plus court", "{when}": "lundi à huit heures"}
    return catalogue_samples(("fr", "fr-FR", "fr-CA"), fill)


@pytest.mark.parametrize("intent, sample", [p for p in _french_samples() if p[0] not in SAFETY_INTENTS])
def test_the_catalogues_own_requests_raise_no_alarm(intent, sample):
    assert kind(sample) in (None, "unsure"), (intent, sample)


@pytest.mark.parametrize("intent, sample", [p for p in _french_samples() if p[0] in ("at_risk", "distress", "stop")])
def test_the_catalogues_safety_samples_are_screened_at_least_as_strongly(intent, sample):
    assert SCREEN_STRENGTH.get(kind(sample), -1) >= SAMPLE_NEEDS[intent], (intent, sample)


def test_what_the_french_menu_tells_people_to_say_is_in_vous_and_reaches_grounding():
    """The menu says "Vous pouvez dire : aidez-moi à m'ancrer": the content speaks in vous, so its suggestion does
    too, and said as suggested it starts grounding."""
    phrases = (Path(__file__).resolve().parents[1] / "skill" / "audio_scripts" / "fr" / "common"
               / "phrases.toml").read_text(encoding="utf-8")
    suggested = set(re.findall(r"Vous pouvez dire : ([^.]+)\.", phrases))
    assert suggested == {"aidez-moi à m'ancrer"}
    for said in suggested:
        assert reading(reader_for("fr-FR").understand(said).event) == "ground", said


# Concepts widened by stems and forms (issue 23), in people's own words; a few lines for each concept.
UNSAFE_BY_CONCEPT = {
    "ways of hurting, any form of the verb": [
        "il m'a tabassée", "elle me rabaisse devant tout le monde", "il m'a griffé au visage", "il m'a craché dessus",
        "il m'engueule pour un rien", "il nous cogne", "mon chum m'a pognée par le bras"],
    "blows said as nouns": ["mon copain m'a mis une claque", "il m'a donné un coup de poing", "il m'a foutu une baffe",
                            "il lève la main sur moi", "il m'a mis les mains autour du cou"],
    "thrown at, thrown out": ["il m'a balancé contre le mur", "il a lancé une assiette sur moi",
                              "il m'a mis dehors en pleine nuit", "il va me mettre à la porte avec les enfants"],
    "rage at things and doors": ["il est en train de péter les plombs et il casse tout", "il tambourine à la porte",
                                 "il a défoncé la porte de la chambre"],
    "said of oneself": ["je suis battue", "je me fais frapper", "je me fais taper dessus",
                        "je me suis fait agresser par mon conjoint", "je subis des violences"],
    "control of phone, money, papers": ["il me prend mon téléphone", "il a changé mes mots de passe",
                                        "il garde ma carte bancaire", "il me donne pas d'argent", "il m'a coupé les vivres",
                                        "je dois lui demander la permission pour tout", "il décide de tout à ma place"],
    "tracking and listening": ["il sait toujours où je suis", "il m'a installé une application pour me localiser",
                               "il écoute derrière la porte", "elle me géolocalise"],
    "threats": ["il dit qu'il va se venger", "il va me le faire payer", "elle menace de tout dire à mes parents",
                "il menace de publier des photos de moi", "il a sorti un couteau",
                "si je le quitte je reverrai plus jamais les petits"],
    "sex and touch after a no": ["il a continué alors que je disais non", "il s'arrête pas quand je dis non",
                                 "il me touche alors que je veux pas", "il insiste jusqu'à ce que je cède",
                                 "je peux pas dire non sinon il se fâche"],
    "hiding and fear of the partner": ["je me cache de lui", "j'ai peur de rentrer à la maison",
                                       "j'ai la trouille de ce qu'il va faire", "je sais pas ce qu'il va me faire",
                                       "j'ai peur quand il boit", "je marche sur des oeufs avec lui",
                                       "il est saoul et il hurle, j'ai peur"],
    "cannot speak freely": ["il est juste à côté, je peux pas parler librement", "il me dit quoi répondre",
                            "c'est lui qui m'a dit de dire vert", "dites-lui rien s'il vous plaît",
                            "il faut pas qu'il sache que je vous parle"],
    "held down, put down": ["il s'est couché sur moi et je pouvais plus bouger", "personne voudra de toi qu'il me dit"],
}
AT_RISK_BY_CONCEPT = {
    "wishing to die": ["je préférerais crever", "je mérite de mourir", "je mérite pas de vivre",
                       "j'ai des pensées de mort", "ce serait plus simple si j'étais pas là"],
    "no sense, no way out": ["ma vie n'a plus aucun sens", "je vois pas d'issue", "à quoi bon",
                             "j'ai plus goût à rien"],
    "a burden": ["je suis un poids pour tout le monde", "je suis un fardeau", "mes enfants seraient mieux sans moi",
                 "personne remarquerait si je disparaissais"],
    "farewells and affairs in order": ["j'ai écrit une lettre à mes enfants au cas où", "j'ai donné mes affaires",
                                       "j'ai tout réglé, les papiers, tout", "je serai plus là demain",
                                       "c'est la dernière fois qu'on se parle"],
    "means at hand": ["j'ai les médicaments devant moi", "j'ai stocké des cachets", "j'ai acheté une corde",
                      "je suis sur le pont", "je suis au bord du quai", "j'ai bu et j'ai les cachets à côté"],
    "self-harm": ["je me suis ouvert les veines", "j'ai recommencé à me faire du mal",
                  "je me frappe la tête contre le mur", "je saigne beaucoup"],
    "another person's emergency": ["il répond plus", "elle se réveille pas", "il est tombé et il bouge plus",
                                   "il a fait une overdose", "il est tombé dans les pommes", "ses lèvres sont bleues",
                                   "il a mal à la poitrine", "j'ai un poids sur la poitrine et mon bras gauche est engourdi"],
    "calling for help": ["appelez une ambulance", "appelle le quinze", "faut appeler le samu", "appelez les pompiers"],
    "not trusting oneself": ["je peux pas me faire confiance ce soir", "j'ai peur de faire une connerie",
                             "je vais faire une bêtise"],
}


@pytest.mark.parametrize("text", [t for lines in UNSAFE_BY_CONCEPT.values() for t in lines])
def test_being_unsafe_with_a_partner_by_concept(text):
    assert kind(text) == "unsafe"


@pytest.mark.parametrize("text", [t for lines in AT_RISK_BY_CONCEPT.values() for t in lines])
def test_risk_to_life_by_concept(text):
    assert kind(text) in ("at_risk", "unsafe")


@pytest.mark.parametrize("text", [
    "il me casse les pieds avec ses histoires", "il m'a jeté un regard tendre", "elle me pousse à continuer la thérapie",
    "il coupe le pain avec un couteau", "il a pris un couteau pour couper les légumes", "quelqu'un frappe à la porte",
    "je suis sur le pont tout le week-end pour le travail", "il s'est coupé en se rasant", "elle me tue avec ses blagues",
    "on arrête pas de rigoler", "arrête de me faire rire", "il m'a donné un coup de main pour le ménage",
    "elle m'a passé un coup de fil", "je me suis fait couper les cheveux", "ça va pas mal", "j'ai écrit une lettre à ma grand-mère",
    "c'est la dernière fois que je mange ça", "j'ai besoin d'aide pour choisir l'exercice", "il garde les enfants ce soir",
])
def test_the_same_words_harmless_raise_no_alarm(text):
    assert kind(text) is None


DISTRESS_BY_CONCEPT = {
    "body signs of panic": ["j'ai des palpitations", "j'ai des sueurs froides", "j'ai la gorge nouée",
                            "j'ai une boule au ventre", "j'ai des fourmis dans les mains", "je sens plus mes jambes",
                            "elle respire trop vite", "mon coeur bat à cent à l'heure"],
    "dissociation": ["je me sens pas réelle", "j'ai l'impression d'être à côté de moi-même",
                     "je suis comme dans du coton", "je flotte, je suis plus là", "je suis comme absente"],
    "intrusions": ["je les imagine ensemble", "je pense qu'à ça", "je peux pas m'empêcher d'y penser",
                   "j'ai des flash", "ça me fait revivre tout"],
    "crying and freezing": ["je chiale", "je braille depuis tantôt", "j'arrive pas à arrêter de pleurer",
                            "je suis tétanisée", "je fonds en larmes"],
    "shame and worth": ["je me sens tellement conne", "je me dégoûte", "j'ai pas le moral", "j'ai le moral à zéro",
                        "ça me brise le coeur"],
    "at the edge": ["je stresse à mort", "je pète un plomb", "je vais péter une coche", "je suis au bout de ma vie",
                    "chu pu capable", "je suis écoeurée", "je suis au fond du trou", "j'ai mal, tellement mal en dedans",
                    "je suis à deux doigts de craquer", "je suis sur le point de m'effondrer", "je me sens mal",
                    "je suis pas correcte", "je sais plus quoi faire"],
    "asking for a person": ["je voudrais parler à une vraie personne", "j'aimerais parler à ma thérapeute"],
}
STOP_BY_CONCEPT = {
    "enough for tonight": ["ça ira pour ce soir", "ça ira comme ça", "c'est bon pour ce soir", "restons-en là",
                           "bon ben on va en rester là", "on laisse faire", "on oublie ça pour ce soir"],
    "not wanting to go on": ["je veux plus", "j'veux pu", "j'ai pas envie de continuer",
                             "je suis pas capable de continuer", "je me sens pas de continuer"],
    "leaving": ["je m'en vais", "je pars", "je me lève"],
    "left alone, not touched": ["laissez-moi seule", "je veux être seule", "fichez-moi la paix", "lâchez-moi",
                                "me touche plus", "ne me tiens pas", "ne me serre pas"],
    "turn it off, be quiet": ["ferme-toi", "fermez l'application", "on ferme ça", "tais-toi", "chut", "ferme-la",
                              "décâlisse"],
    "ending": ["fin de la séance", "on met fin à la séance", "on termine là", "terminez", "terminons"],
    "goodbye": ["bonne nuit, on va se coucher", "bonsoir, à demain", "à demain", "merci, au revoir", "merci c'est tout"],
    "no, said again": ["wo wo wo", "non, j'ai dit non"],
}


@pytest.mark.parametrize("text", [t for lines in DISTRESS_BY_CONCEPT.values() for t in lines])
def test_distress_by_concept(text):
    assert kind(text) == "distress"


@pytest.mark.parametrize("text", [t for lines in STOP_BY_CONCEPT.values() for t in lines])
def test_stop_by_concept(text):
    assert kind(text) == "stop"


@pytest.mark.parametrize("text", ["feu rouge", "carton rouge", "nous deux rouge", "code rouge pour moi"])
def test_red_said_as_a_signal(text):
    assert kind(text) == "red"


@pytest.mark.parametrize("text", [
    "il a grillé un feu rouge", "on a laissé faire la respiration", "je pars en vacances demain", "plus de silence",
    "bonsoir, on peut commencer", "je me sens mal pour lui", "je suis mal garée", "je sais pas quoi faire ce soir",
    "ferme la porte", "j'ai pleuré de joie", "mon coeur bat pour toi", "le carton rouge de l'arbitre était injuste",
])
def test_everyday_words_near_stop_distress_and_red_raise_no_alarm(text):
    assert kind(text) is None


@pytest.mark.parametrize("text, expected", [
    # "pu" for "plus", "y"/"a" for il/elle, apostrophes a keyboard dropped, "ça me tente"/"le goût" for envie.
    ("jai pu le goût de rien", "at_risk"), ("ça me tente de me faire mal", "at_risk"),
    ("j'ai le goût de pu me réveiller", "at_risk"), ("y me tient le bras trop fort", "unsafe"),
    ("a m'a pris mes clés", "unsafe"), ("il ma dit quil me casserait la gueule", "unsafe"),
    ("elle me répond pu", "at_risk"), ("y'a pu rien qui me retient icitte", "at_risk"),
    # Means, plans and farewells said sideways.
    ("j'ai caché des somnifères au cas où", "at_risk"), ("j'ai cherché combien de somnifères ça prend", "at_risk"),
    ("c'est ma dernière nuit", "at_risk"), ("comment faire pour mourir sans souffrir", "at_risk"),
    ("la carabine est dans le sous-sol, j'y pense souvent", "at_risk"), ("il est tout mou, il a avalé quelque chose", "at_risk"),
    # A partner near, not to be heard; passwords; calling all day; things thrown.
    ("elle est dans la cuisine, parlez moins fort", "unsafe"), ("j'ose pas parler, il écoute", "unsafe"),
    ("il connaît tous mes codes", "unsafe"), ("elle m'écrit vingt fois par jour pour savoir où je suis", "unsafe"),
    ("il garroche des affaires", "unsafe"), ("il a barré les portes", "unsafe"), ("arrête, tu me fais mal", "unsafe"),
    # Crying, spinning, shut down; fed up with everything; stops in Quebec words.
    ("i can't, je peux pas, je chiale", "distress"), ("ça tourne trop vite dans ma tête", "distress"),
    ("il a décroché, il fixe le vide", "distress"), ("chu écoeuré de tout", "distress"),
    ("tasse-toi", "stop"), ("je veux pu rien savoir", "stop"), ("enlève ça", "stop"), ("non, on termine", "stop"),
    ("red", "red"), ("rouge, on oublie le chiffre", "red"),
])
def test_spoken_and_quebec_forms_by_concept(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    "il y va demain", "ma mère va me tuer si j'oublie sa fête", "chu écoeurée de ma job", "recule d'une étape",
    "enlevez les rappels", "on termine par la respiration", "je serai pas là demain soir, je travaille",
    "combien de comprimés je dois prendre par jour", "c'est ma dernière journée de travail avant les vacances",
])
def test_spoken_forms_in_everyday_talk_raise_no_alarm(text):
    assert kind(text) is None


@pytest.mark.parametrize("corpus", ["dev_fr.tsv", "dev2_fr.tsv"])
def test_the_development_corpora_are_understood_in_france_and_quebec(corpus):
    """Every line of a French development corpus through the whole layer (screen, colours, classifier) in fr-FR
    and fr-CA: every safety line honoured, 95% of the others, the held-out bar (tests/support/corpus.py).
    dev2_fr.tsv was written blind, after the rules of the first rounds; its first look is in docs/understanding.md."""
    for locale in ("fr-FR", "fr-CA"):
        assert_meets_bar(Path(__file__).resolve().parent / "understanding" / corpus, locale)


@pytest.mark.parametrize("text, expected", [
    # Settings in everyday words.
    ("tu parles trop", "setting:less_talking"), ("moins d'instructions", "setting:less_talking"),
    ("plus d'explications", "setting:more_talking"), ("on veut plus de temps", "setting:longer"),
    ("rallonge les étapes", "setting:longer"), ("raccourcissez les étapes", "setting:shorter"),
    ("une version plus courte", "setting:shorter"), ("moins longtemps s'il vous plaît", "setting:shorter"),
    # Exercises named by what they are.
    ("l'exercice avec les cinq sens", "start:grounding"), ("je veux revenir dans le présent", "start:grounding"),
    ("celui où on nomme des choses qu'on voit", "start:grounding"),
    ("celui où on respire ensemble couchés", "start:lying_together"),
    ("celui où on se caresse à tour de rôle", "start:sensate_focus"),
    ("la deuxième étape du toucher", "start:sensate_focus_hands"), ("on veut se faire un câlin", "start:closeness"),
    # Help, repeat, back, next, pause, and a colour said softly.
    ("aide", "help"), ("je comprends pas ce qu'il faut faire", "help"), ("redis-moi ça", "repeat"),
    ("reviens à l'étape d'avant", "back"), ("on peut sauter cette étape", "next"),
    ("attends deux minutes", "pause"), ("un peu jaune", "yellow"), ("tiguidou, vert", "green"),
    ("six ou sept, disons six", "rating:6"), ("je suis un peu tendue", "yellow"),
])
def test_requests_in_everyday_words_are_read(text, expected):
    from tests.support.corpus import honoured

    for locale in ("fr-FR", "fr-CA"):
        read_as = reading(reader_for(locale).understand(text).event)
        assert honoured(expected, read_as), (locale, text, read_as)


@pytest.mark.parametrize("text, expected", [
    ("chuis terrorisée, il va rentrer", "unsafe"), ("j'ai des bleus partout à cause de lui", "unsafe"),
    ("elle m'a lancé un couteau", "unsafe"), ("il me fait du chantage aux enfants", "unsafe"),
    ("je suis sous son emprise", "unsafe"), ("il dit que je suis folle et que personne me croira", "unsafe"),
    ("il m'a dit que je finirais comme son ex", "unsafe"), ("il a brûlé mes affaires", "unsafe"),
    ("il a crevé les pneus de mon auto", "unsafe"), ("il débarque à mon travail et il hurle", "unsafe"),
    ("je suis prisonnière chez moi", "unsafe"), ("il me filme sans me le dire", "unsafe"),
    ("j'en peux plus de vivre", "at_risk"), ("j'ai plus de raisons de vivre", "at_risk"),
    ("j'ai le couteau dans la main", "at_risk"), ("il s'est pendu, aidez-moi", "at_risk"),
    ("je voudrais juste dormir et jamais me réveiller", "at_risk"), ("je vous dis adieu", "at_risk"),
    ("tout le monde serait soulagé si je partais", "at_risk"), ("la mort me fait plus peur", "at_risk"),
    ("je sais plus respirer", "at_risk"), ("je me sens en danger ici", "at_risk"),
    ("j'ai l'impression de devenir folle", "distress"), ("j'ai des frissons partout", "distress"),
    ("tout remonte", "distress"), ("ça me ramène à cette nuit-là", "distress"), ("je l'imagine avec elle", "distress"),
    ("il faut que quelqu'un m'aide", "distress"), ("c'est l'enfer", "distress"), ("ça joue pas du tout", "distress"),
    ("j'ai le cafard", "distress"),
    ("non, non c'est non", "stop"), ("je veux pas qu'il me touche", "stop"), ("je sais pas continuer", "stop"),
    ("j'ai un noeud dans l'estomac", "distress"), ("je contrôle plus rien", "distress"), ("tout est flou", "distress"),
    ("j'entends plus rien", "distress"), ("ça va vraiment mal", "distress"), ("ça file pas", "distress"),
    ("j'ai le coeur qui va exploser", "distress"), ("je me sens tellement seule", "distress"),
    ("je me sens abandonnée", "distress"), ("c'est l'horreur", "distress"),
    ("j'ai eu ma dose", "stop"), ("non non, pas ça", "stop"), ("laisse-moi", "stop"),
    ("je vais me coucher, bonne nuit", "stop"), ("on met un terme à ça", "stop"), ("la séance est finie", "stop"),
    ("ça me tente pu", "stop"), ("ça me tente pas pantoute", "stop"),
    ("elle fait une réaction allergique, sa gorge enfle", "at_risk"), ("il a la bouche de travers", "at_risk"),
    ("appelez ma soeur s'il vous plaît", "distress"),
    ("je veux partir pour toujours", "at_risk"), ("je vais rejoindre mon père au ciel", "at_risk"),
    ("j'ai pensé à comment je le ferais", "at_risk"), ("j'ai laissé une lettre sur la table pour les enfants", "at_risk"),
    ("j'ai tout donné à ma soeur, j'en aurai plus besoin", "at_risk"),
    ("j'ai la bouteille de pilules dans la main", "at_risk"),
    ("je suis dans l'auto avec le moteur qui tourne dans le garage", "at_risk"), ("je veux plus me battre", "at_risk"),
    ("je vois plus le bout du tunnel", "at_risk"), ("ça finira jamais", "at_risk"),
    ("je vais jamais m'en sortir", "at_risk"), ("y'a plus d'espoir", "at_risk"), ("j'ai peur pour ma vie", "unsafe"),
    ("on s'casse", "stop"), ("je me tire", "stop"), ("lâche l'affaire", "stop"), ("laisse béton", "stop"),
    ("je jette l'éponge", "stop"), ("rideau", "stop"), ("c'est mort pour ce soir", "stop"), ("fini, fini", "stop"),
    ("j'pète un câble", "distress"), ("j'suis en stress total", "distress"), ("j'ai les boules", "distress"),
    ("je suis down en maudit", "distress"), ("j'ai plus rien à perdre", "at_risk"),
    ("de toute façon je serai bientôt plus là", "at_risk"), ("il m'a défoncée", "unsafe"),
])
def test_more_concepts_in_own_words(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    "je suis rouge de chaleur", "elle m'a tapé sur l'épaule pour me réveiller", "je suis crevée mais ça va",
    "ça joue bien", "c'est bon pour moi, on continue", "ils seraient soulagés si je partais en vacances",
    "il m'a poussée à venir ici et je suis contente", "je vois le mur blanc et la lampe", "j'appelle ma mère demain",
    "il a jeté ses chaussettes par terre encore", "il a pris mes clés par erreur",
    "il m'a fait mal au pied en dansant, c'est pas grave", "je vais mourir de honte, c'est drôle",
    "je veux disparaître sous la couette, il fait froid", "j'en peux plus d'attendre les vacances",
    "je me suis brûlé avec le café", "j'ai pris mon doliprane", "on a un couteau neuf", "il pleure de rire",
    "elle tremble de froid", "je suis nerveuse pour demain", "j'ai écrit une lettre à mes enfants pour leur anniversaire",
    "on va s'en sortir, ensemble", "je me casse la tête avec mes impôts", "c'est mort ce restaurant, y a personne",
    "j'ai les boules de Noël à ranger", "il est défoncé, il a fumé", "tu me fais peur avec tes histoires de fantômes",
    "tu me forces à rire", "tu me bats toujours aux cartes",
])
def test_more_everyday_talk_raises_no_alarm(text):
    assert kind(text) is None
