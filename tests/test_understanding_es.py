"""Spanish understanding (skill/understanding/lang/es.toml): the safety screen on people's own words, in Spain,
Mexico and the United States, written with or without accents as recognisers do. The corpus figures live in
tests/understanding/dev_es.tsv (scored by the last test here); these are the kinds of line each rule is there for."""
from __future__ import annotations

from pathlib import Path

import pytest

from skill.understanding.language import load_language
from skill.understanding.screen import colors_said, most_cautious, screen
from tests.support.corpus import SAFETY_INTENTS, SAMPLE_NEEDS, SCREEN_STRENGTH, assert_meets_bar, catalogue_samples

ES = load_language("es")


def kind(text: str) -> str | None:
    found = screen(ES, ES.canon(text))
    return found.kind if found else None


@pytest.mark.parametrize("text, expected", [
    # a partner, named or only in the verb (Spanish drops the subject)
    ("me pegó", "unsafe"), ("mi marido me golpeó anoche", "unsafe"), ("me agarró del cuello", "unsafe"),
    ("me tiene encerrada en el cuarto", "unsafe"), ("me quitó el celular", "unsafe"),
    ("no me deja salir de casa", "unsafe"), ("me dijo que si lo dejo me mata", "unsafe"),
    ("le tengo miedo a mi esposo", "unsafe"), ("revisa mi teléfono todos los días", "unsafe"),
    ("tiene un cuchillo", "unsafe"), ("me forzó aunque le dije que no", "unsafe"),
    # risk to life
    ("me quiero morir", "at_risk"), ("ya no quiero vivir", "at_risk"), ("me tomé un montón de pastillas", "at_risk"),
    ("no puedo respirar", "at_risk"), ("no puedo jalar aire", "at_risk"), ("me duele el pecho", "at_risk"),
    ("todos estarían mejor sin mí", "at_risk"), ("pienso en suicidarme", "at_risk"), ("me corté otra vez", "at_risk"),
    # distress, in Spain, Mexico and the US
    ("estoy fatal", "distress"), ("me estoy agüitando", "distress"), ("me estoy aguitando", "distress"),
    ("me da un ataque", "distress"), ("no estoy bien", "distress"), ("ya no puedo mas", "distress"),
    ("me siento de la fregada", "distress"), ("estoy rayadísimo", "distress"), ("me siento súper overwhelmed", "distress"),
    ("es como si estuviera pasando otra vez", "distress"), ("mi pareja se puso a temblar", "distress"),
    ("me cago de miedo", "distress"), ("ayuda", "distress"),
    # stop: "para" as a command, never as "for"
    ("para", "stop"), ("para ya", "stop"), ("basta", "stop"), ("ya no", "stop"), ("detente", "stop"),
    ("alto", "stop"), ("párale güey", "stop"), ("no, mejor lo dejamos, para", "stop"), ("pa", "stop"),
    ("no me toques", "stop"), ("deja de tocarme", "stop"), ("ya estuvo", "stop"),
    ("rojo", "red"), ("estoy en rojo", "red"), ("yo verde, él rojo", "red"),
])
def test_own_words_for_danger_distress_and_stop(text, expected):
    assert kind(text) == expected


# Concept parity with English (issue 23): each concept in several registers of Spain, Mexico and the United States,
# written for these tests (not corpus lines), so that a rule is widened by concept and not by a sentence.
@pytest.mark.parametrize("text, expected", [
    # blows with the subject dropped, in everyday words
    ("me levantó la mano", "unsafe"), ("me cruzó la cara delante de los niños", "unsafe"),
    ("me agarró a patadas", "unsafe"), ("me jaló de las greñas", "unsafe"), ("me soltó un guantazo", "unsafe"),
    ("me metió un trancazo", "unsafe"), ("ayer después de cenar me golpeó", "unsafe"),
    ("me está zarandeando", "unsafe"), ("tenía las manos alrededor de mi cuello", "unsafe"),
    # money, papers and passwords
    ("se queda con toda mi quincena", "unsafe"), ("me retiene el pasaporte", "unsafe"),
    ("no me deja usar mi tarjeta", "unsafe"), ("me exige todas mis contraseñas", "unsafe"),
    # tracking, being watched or overheard, told what to answer
    ("me rastrea por el celular", "unsafe"), ("me pone mensajes cada diez minutos para controlarme", "unsafe"),
    ("mi novio me espera a la salida del trabajo", "unsafe"), ("está espiando desde el pasillo", "unsafe"),
    ("no puedo decir la verdad porque él está oyendo", "unsafe"), ("me dicta lo que tengo que contestar", "unsafe"),
    # threats, coercion, fear of the partner and of what comes next
    ("si lo denuncio me va a quitar a los niños", "unsafe"), ("juró que me iba a arrepentir", "unsafe"),
    ("anda amenazándonos", "unsafe"), ("si me niego se pone como loco", "unsafe"),
    ("me chantajea para tener relaciones", "unsafe"), ("no acepta un no", "unsafe"),
    ("le tengo terror", "unsafe"), ("me aterra cómo va a reaccionar", "unsafe"),
    ("cuando llega borracho me escondo", "unsafe"), ("no me atrevo a decirle que no", "unsafe"),
    ("no sé lo que me pueda hacer", "unsafe"), ("se pone violento si lo contradigo", "unsafe"),
    ("a mi prima su esposo la golpea", "unsafe"), ("me tapó la boca para que no gritara", "unsafe"),
    ("me dejó los brazos llenos de moretones", "unsafe"), ("vivo violencia en casa", "unsafe"),
    # risk to life: better off dead, a burden, farewells, means, someone else's emergency
    ("sería más fácil estar muerta", "at_risk"), ("me siento un estorbo para mi familia", "at_risk"),
    ("no hay salida", "at_risk"), ("ojalá todo se acabara", "at_risk"), ("estoy regalando mis cosas", "at_risk"),
    ("ya escribí cartas de despedida", "at_risk"), ("pronto ya no voy a molestar a nadie", "at_risk"),
    ("no creo que llegue a mañana, no voy a aguantar hasta mañana", "at_risk"),
    ("tengo escondidas pastillas", "at_risk"), ("me tomé el frasco entero", "at_risk"),
    ("estoy al borde del acantilado", "at_risk"), ("me hago cortaditas", "at_risk"),
    ("tengo miedo de hacerme daño", "at_risk"), ("mi hijo se quiere suicidar", "at_risk"),
    ("se le cayó la cara de un lado", "at_risk"), ("se desmayó y no abre los ojos", "at_risk"),
    ("está sangrando de la cabeza", "at_risk"), ("marca al nueve uno uno", "at_risk"),
    ("le duele el pecho y el brazo izquierdo", "at_risk"), ("no confío en mí mismo", "at_risk"),
    # distress: the body, leaving oneself, intrusions, tears, shame, overwhelm, asking for a person
    ("el corazón me late fuertísimo", "distress"), ("me estoy desmayando", "distress"),
    ("no siento las piernas", "distress"), ("estoy como en piloto automático", "distress"),
    ("siento que no estoy en mi cuerpo", "distress"), ("lo estoy reviviendo", "distress"),
    ("se repite una y otra vez en mi cabeza", "distress"), ("no me lo puedo sacar de la mente", "distress"),
    ("los estoy imaginando juntos otra vez", "distress"), ("se me caen las lágrimas", "distress"),
    ("estoy berreando", "distress"), ("me muero de vergüenza", "distress"), ("me siento una porquería", "distress"),
    ("la ansiedad me está ganando", "distress"), ("estoy que reviento", "distress"),
    ("que alguien me ayude por favor", "distress"), ("necesito hablar con una persona real", "distress"),
    ("se me cerró el pecho", "distress"), ("ay dios mío, ay dios mío", "distress"),
    # stop: short commands, vosotros and voseo, fed up, don't touch me
    ("apaga", "stop"), ("ciérralo ya", "stop"), ("ya acabé por hoy", "stop"), ("dejadme, parad", "stop"),
    ("soltame", "stop"), ("no me toqués", "stop"), ("no sigas hablando", "stop"), ("ya me harté", "stop"),
    ("ya no tengo ganas de seguir", "stop"), ("no quiero que me bese", "stop"), ("hazte para atrás", "stop"),
    ("salir del ejercicio", "stop"), ("I'm done", "stop"), ("good night", "stop"),
    ("red", "red"), ("estoy red", "red"), ("color rojo", "red"), ("muy rojo", "red"), ("la verdad rojo", "red"),
    # a third round: money counted out, cut off, threats in any tense, things thrown, what comes next
    ("me tiene racionado el dinero", "unsafe"), ("me alejó de mis hermanas", "unsafe"),
    ("me bloqueó la tarjeta", "unsafe"), ("decía que si lo dejaba me buscaba", "unsafe"),
    ("me avienta la chancla", "unsafe"), ("me pegaba con la correa", "unsafe"), ("me empujó a propósito", "unsafe"),
    ("ya sé lo que me espera cuando llegue", "unsafe"), ("temo que me descubra", "unsafe"),
    ("hago todo lo que él diga", "unsafe"), ("vivo aterrada", "unsafe"), ("me escondí en el clóset para que no me oiga", "unsafe"),
    ("aporreando la puerta y gritando mi nombre", "unsafe"), ("en la cama no para aunque le pido", "unsafe"),
    ("mejor muerto", "at_risk"), ("nadie me echaría de menos", "at_risk"), ("conseguí raticida", "at_risk"),
    ("me acabo de tomar unas pastillas", "at_risk"), ("ya lo tengo planeado cuándo", "at_risk"),
    ("esta noche acabo con todo", "at_risk"), ("tiene convulsiones", "at_risk"), ("quiero desaparecer y no volver", "at_risk"),
    ("me siento una fracasada", "distress"), ("ando por los suelos", "distress"), ("estoy tristísima", "distress"),
    ("me dan ganas de huir", "distress"), ("nada se siente real, como una película", "distress"),
    ("detén todo", "stop"), ("ahí le paramos", "stop"), ("bueno, ya me voy", "stop"), ("no quiero que continúes", "stop"),
    # a fourth round: usted, vos, Spain's and the US's words
    ("me lee los chats", "unsafe"), ("no me deja juntarme con nadie", "unsafe"), ("ella me tiene atemorizado", "unsafe"),
    ("me trata como un trapo", "unsafe"), ("usted no sabe de lo que es capaz", "unsafe"), ("me jalonea", "unsafe"),
    ("tengo que pedir su permiso para ver a mi mamá", "unsafe"), ("me encontró después de que me mudé", "unsafe"),
    ("juró que me iba a rajar la cara, que me iba a desfigurar", "unsafe"), ("my boyfriend hits me", "unsafe"),
    ("me quiero quitar de en medio", "at_risk"), ("quiero que se termine mi vida", "at_risk"),
    ("ya nada tiene sentido", "at_risk"), ("tengo la cuerda para hacerlo", "at_risk"), ("le sale espuma por la boca", "at_risk"),
    ("I want to die", "at_risk"), ("he's not breathing", "at_risk"),
    ("me estoy rayando", "distress"), ("me vine abajo", "distress"), ("siento que me salgo de mí", "distress"),
    ("ya no me reconozco", "distress"), ("la culpa es mía", "distress"), ("ayúdeme", "distress"),
    ("quiero que alguien me abrace", "distress"), ("estoy freaked out", "distress"),
    ("corta el rollo", "stop"), ("déjenme en paz", "stop"), ("suélteme", "stop"), ("red red", "red"),
    ("ahora mismo rojo", "red"),
    # a fifth round
    ("me ha escondido el pasaporte", "unsafe"), ("me quitó el teléfono para que no pida ayuda", "unsafe"),
    ("me acorralaba en el pasillo", "unsafe"), ("me aventó al suelo", "unsafe"), ("amenaza con publicar mis fotos", "unsafe"),
    ("me filma a escondidas", "unsafe"), ("es celosa y agresiva", "unsafe"), ("quiere derribar la puerta", "unsafe"),
    ("me aterra que regrese", "unsafe"), ("les pegaba a los niños", "unsafe"), ("me anda siguiendo", "unsafe"),
    ("ojalá me muriera ya", "at_risk"), ("estoy en la ventana y voy a saltar", "at_risk"),
    ("me di cabezazos contra la pared", "at_risk"), ("se tomó las pastillas todas juntas", "at_risk"),
    ("mi novio se está lastimando", "at_risk"), ("se desmayó y no responde", "at_risk"), ("nadie me necesita", "at_risk"),
    ("sería un descanso para todos si desapareciera", "at_risk"),
    ("ya no doy para más", "distress"), ("cansada de sufrir", "distress"), ("me duele el alma", "distress"),
    ("no dejo de imaginarlos", "distress"), ("me vino a la cabeza lo que hizo", "distress"),
    ("de nuevo esas imágenes", "distress"), ("no me siento segura en casa", "distress"),
    ("necesito a mi psicóloga", "distress"), ("lo queremos dejar aquí", "stop"), ("aparta tus manos", "stop"),
    # a sixth round
    ("me aterra quedarme sola con él", "unsafe"), ("sin ganas de vivir", "at_risk"), ("es que no puedo", "distress"),
    ("me sobrepasa todo esto", "distress"), ("me siento irreal", "distress"), ("la volví a ver otra vez", "distress"),
    ("tiemblo toda", "distress"), ("espérate, no, ya no quiero", "stop"), ("me estás lastimando", "stop"),
    # a seventh round: ending said short, inner pain, leaving oneself
    ("mejor cortemos aquí", "stop"), ("ya no le sigas", "stop"), ("déjame en paz", "stop"), ("no estoy para esto", "stop"),
    ("nada de caricias", "stop"), ("dame más espacio", "stop"), ("no continúo", "stop"), ("bueno, me rindo", "stop"),
    ("quiero que todo esto pare", "stop"), ("para, que me duele", "stop"), ("se terminó por hoy", "stop"),
    ("me siento morir", "distress"), ("es un dolor en el alma", "distress"), ("vivo una pesadilla", "distress"),
    ("me quiebro", "distress"), ("me pesa la vida", "distress"), ("se me quedó la cabeza en blanco", "distress"),
    ("me siento como un zombi", "distress"), ("no me entra el aire", "at_risk"),
    # an eighth round
    ("me rompió la boca", "unsafe"), ("me acercó la navaja", "unsafe"), ("no me deja decidir nada", "unsafe"),
    ("me tiene aislado", "unsafe"), ("pensando siempre en la muerte", "at_risk"), ("quiero terminar con este dolor", "at_risk"),
    ("conseguí una soga", "at_risk"), ("mi hija se tomó el cloro", "at_risk"),
    # a ninth round
    ("me sacudió", "unsafe"), ("me cubrió la nariz", "unsafe"), ("me agarró y no me podía soltar", "unsafe"),
    ("me corrió de mi casa", "unsafe"), ("se quiere quedar con la custodia", "unsafe"), ("no me deja verlas", "unsafe"),
    ("tengo que enviarle mi ubicación", "unsafe"), ("no me atrevo a opinar delante de él", "unsafe"),
    ("no puedo hablar, me está oyendo", "unsafe"), ("está detrás de la puerta escuchando", "unsafe"),
    ("ya viene en camino y viene borracho", "unsafe"), ("me quería ahorcar", "unsafe"),
    ("estoy lista para morir", "at_risk"), ("me cansé de la vida", "at_risk"), ("la muerte es la solución", "at_risk"),
    ("ya dejé escritas las cartas", "at_risk"), ("quiero estrellarme", "at_risk"), ("estamos en las vías", "at_risk"),
    ("se encerró con las pastillas", "at_risk"), ("se desplomó", "at_risk"), ("le cuesta respirar", "at_risk"),
    ("se está ahogando", "at_risk"),
    # a tenth round
    ("me pongo muy nerviosa", "distress"), ("estoy súper intranquilo", "distress"), ("tengo un nudo en el estómago", "distress"),
    ("las manos no me responden", "distress"), ("todo se oye muy lejos", "distress"),
    ("releyendo sus chats otra vez", "distress"), ("me traicionó", "distress"), ("me duele su traición", "distress"),
    ("estoy desconsolada", "distress"), ("nadie me entiende", "distress"), ("siento mucha culpa", "distress"),
    ("tengo vergüenza de mí", "distress"), ("quiero esconderme", "distress"), ("por favor alguien", "distress"),
    ("help", "distress"), ("que me ayuden", "distress"), ("cortá", "stop"), ("dejá de tocarme", "stop"),
    ("gracias, ya acabé", "stop"),
    # an eleventh round
    ("me soltó un manotazo", "unsafe"), ("me aventó aceite", "unsafe"), ("me quemaba con el encendedor", "unsafe"),
    ("dice que me va a hacer deportar", "unsafe"), ("jamás vas a volver a ver a los niños", "unsafe"),
    ("me escondió mis pastillas", "unsafe"), ("me aterra dormir junto a él", "unsafe"),
    ("no hay futuro", "at_risk"), ("se me antoja desaparecer", "at_risk"),
    ("me siento insignificante", "distress"), ("no valgo la pena", "distress"), ("estoy estresadísima", "distress"),
    # a twelfth round
    ("me estrelló contra la pared", "unsafe"), ("me levanta por el cuello", "unsafe"), ("se mete en mi correo", "unsafe"),
    ("me vació el dinero", "unsafe"), ("me obligó a bloquear a mis amigas", "unsafe"), ("me cela hasta de mis primos", "unsafe"),
    ("tengo que pedirle dinero hasta para el camión", "unsafe"), ("cuando toma se pone violento", "unsafe"),
    ("trato de suicidarme a veces, ya lo intenté una vez", "at_risk"), ("no hay ninguna razón para vivir", "at_risk"),
    ("hoy es mi último día", "at_risk"), ("tengo el corazón roto", "distress"), ("no puedo ni pensar", "distress"),
    ("tengo la mente revuelta", "distress"),
    # a thirteenth round
    ("presiento que algo terrible va a pasar", "distress"), ("ya párele", "stop"), ("esto no va conmigo, me salgo", "stop"),
    ("ponle rojo", "red"), ("es un rojo", "red"),
    # a fourteenth round
    ("me escondió las pastillas anticonceptivas", "unsafe"), ("se quitó el condón sin decirme", "unsafe"),
    ("me agarra los brazos bien fuerte", "unsafe"), ("me apretó la mandíbula", "unsafe"),
    ("me dejaba sin cenar", "unsafe"), ("me encerró como castigo", "unsafe"), ("me bajó sola en la carretera", "unsafe"),
    # a disclosure typed with a nervous laugh is still a disclosure (safety wins over the laugh)
    ("me golpeó otra vez jaja", "unsafe"), ("jajaja me tuvo encerrada todo el fin", "unsafe"),
])
def test_each_concept_is_read_in_its_many_wordings(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    # the same words used harmlessly, next to the concepts widened above
    "el perro me sigue a todos lados", "mi hija me llama cada domingo", "estoy en la azotea tendiendo la ropa",
    "me quemé con la plancha", "la carne está sangrando todavía", "me da vergüenza cantar", "estoy congelada de frío",
    "voy a hacer una locura y comprar helado", "me tomé mis pastillas de la presión",
    "si me voy temprano me va a dar tiempo de cocinar", "no sé qué le va a hacer el mecánico al coche",
    "la ambulancia pasó con la sirena", "no sigas la receta al pie de la letra", "salir a caminar nos hace bien",
    "su novio le pegó la gripa", "los veo juntos en la boda el sábado", "no me da dinero el cajero",
    "mi mamá administra el dinero de la casa", "mi hija me asfixia a besos", "la red no funciona",
    "veo una lámpara, la cortina roja y la tele", "el rojo me queda bien", "hay que cortar las flores del jardín",
    "tuve suficiente comida", "mi jefe me tiene hasta la madre pero eso es otro tema", "se me salen las lágrimas de la risa",
    "no puedo hablar fuerte porque los niños duermen", "me llegaron las imágenes de la boda",
    "me cambió la contraseña del wifi el técnico", "ya sé lo que viene en la serie",
    "está afuera gritando el vendedor de tamales", "compré veneno para las cucarachas", "el cielo se está poniendo morado",
    "estoy en la lona del gimnasio", "tengo ganas de gritar de felicidad", "todo parece un sueño, qué bonito día",
    "estoy bien solo un poco cansado", "ya me voy acostumbrando", "ahí muere el tema de la cena",
    "no quiero que sigas hablando de la cena", "me voy a tomar unas pastillas para la gripa",
    "el examen me tiene asustada", "mi hijo me fuerza a jugar con él", "ya nada importa más que descansar",
    "nada tiene sentido en esta película", "se me fue el aire de tanto reír", "estoy en otro mundo hoy, muy distraída",
    "fue mi culpa que se quemara el arroz", "no me deja quedar mal nunca mi amiga", "ayúdanos a elegir un ejercicio",
    "la leche se está cortando", "mi hijo se corta el pelo mañana", "el perro se cayó del sofá pero está bien",
    "me está siguiendo en instagram", "hay que tumbar la pared para la remodelación", "me graba los videos de la escuela",
    "para que no me vaya sin desayunar me hizo huevos", "el gato me arrinconó para pedir comida jaja",
    "estoy cansada de llorar de risa con esta serie", "otra vez ese recuerdo bonito de la boda",
    "aparta la mano del fuego", "desde el balcón se ve el mar, quiero saltar de alegría", "me pegué contra la mesa sin querer",
    "casi me desmayo de la risa", "me muero de ternura", "mañana no puedo", "tiemblo de frío",
    "me rompo la cabeza pensando en el regalo", "sin contacto con el mundo, en el campo", "déjame respirar",
    "compré una cuerda para tender la ropa", "me partí el labio con la puerta",
    "mi jefe me va a matar si llego tarde", "mi suegra me va a matar con tanta comida",
    "me da vergüenza cantar", "me dio vergüenza ajena el programa", "me voy a caer de sueño",
    "me pongo nerviosa cuando manejo en carretera", "las manos no me responden del frío", "estoy viendo las fotos de la boda",
    "nadie me entiende la letra", "siento mucha culpa por comerme el pastel", "quiero esconderme del sol", "alguien",
    "se llevó a los niños al parque", "tengo que enviarle mi ubicación al uber", "me cansé de la vida de ciudad",
    "le cuesta respirar al perro cuando corre", "no me deja decidir qué película vemos", "me echó de la casa mi mamá jaja",
    "no veo futuro en este trabajo", "me quemé con la vela", "me dio un empujón el perro jugando",
    "hoy es mi último día de vacaciones", "me aventó contra el sofá jugando", "quiero volver a intentarlo, el ejercicio",
    "quiero un rojo de la casa para la cena", "me salgo a caminar un rato",
    "me agarró la cara para darme un beso", "el doctor me dejó sin comer antes del análisis",
])
def test_the_widened_concepts_raise_no_alarm_in_everyday_talk(text):
    assert kind(text) is None


@pytest.mark.parametrize("text", [
    "me muero de risa", "me mata de la risa ese programa", "me muero de hambre", "una copa de vino tinto",
    "la luz roja del cargador parpadea", "mi suéter rojo está en la secadora", "para nada", "esto es para ti",
    "mi hermana me ganó a las cartas", "me corté el pelo ayer", "se me murió la batería del celular",
    "ya terminé mi libro", "estamos en números rojos este mes", "ayúdame a poner un recordatorio",
    "sigue donde lo dejamos", "ya no quiero recordatorios",
])
def test_alarming_words_in_everyday_spanish_are_no_safety_signal(text):
    assert kind(text) is None


@pytest.mark.parametrize("text, expected", [
    ("no tengo miedo", None), ("no estoy asustada", None), ("nunca tengo pánico", None),
    ("no estoy bien", "distress"), ("no quiero vivir", "at_risk"), ("no, para", "stop"),
    ("no estoy seguro", None),
])
def test_negation_turns_a_feeling_round_but_never_a_plea(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("yo verde, él rojo", "red"), ("yo amarillo pero ella está en rojo", "red"), ("estoy en verde", "green"),
    ("más bien naranja", "yellow"), ("verde para los dos", "green"), ("la manta roja", None),
    ("el coche rojo", None), ("mmm rojo", "red"),
])
def test_colours_said_as_check_ins_the_most_cautious_wins(text, expected):
    assert most_cautious(colors_said(ES, ES.canon(text))) == expected


def _spanish_samples():
    fill = {"{exercise}": "anclaje", "{color}": "verde", "{second}": "amarillo", "{rating}": "cinco",
            "{upper}": "seis", "{minutes}": "diez", "{setting}": "más corto", "{when}": "el lunes a las ocho"}
    return catalogue_samples(("es", "es-ES", "es-MX", "es-US"), fill)


@pytest.mark.parametrize("intent, sample", [p for p in _spanish_samples() if p[0] not in SAFETY_INTENTS])
def test_the_catalogues_own_requests_raise_no_alarm(intent, sample):
    assert kind(sample) in (None, "unsure"), (intent, sample)


@pytest.mark.parametrize("intent, sample", [p for p in _spanish_samples() if p[0] in ("at_risk", "distress", "stop")])
def test_the_catalogues_safety_samples_are_screened_at_least_as_strongly(intent, sample):
    assert SCREEN_STRENGTH.get(kind(sample), -1) >= SAMPLE_NEEDS[intent], (intent, sample)


def test_the_development_corpora_are_understood_in_each_locale():
    """Every line of dev_es.tsv and dev2_es.tsv (a second corpus written blind, read 159/203 safety lines before
    the rules were widened for it) through the whole layer (screen, colours, classifier) in es-ES, es-MX and es-US:
    every safety line honoured, 95% of the others, as the held-out bar (tests/support/corpus.py)."""
    here = Path(__file__).resolve().parent / "understanding"
    for name in ("dev_es.tsv", "dev2_es.tsv"):
        for locale in ("es-ES", "es-MX", "es-US"):
            assert_meets_bar(here / name, locale)
