"""Recherche de dossiers et pagination par clé (jamais de COUNT(*) sur toute la table).

Sur PostgreSQL (migrations 0004 et 0005), par étapes, chacune complétant la précédente
(les correspondances exactes d'abord, puis les plus récentes) :

1. une référence saisie (`2026-000123`, `2026-0001`, `123`) : B-tree sur `reference` ;
2. les mots exacts ;
3. le dernier mot comme début de mot (saisie en cours : « lef » trouve « Lefèvre ») ;
4. une faute de frappe : les mots connus les plus proches (`dossiers_motrecherche`, index
   trigramme GiST), retenus à une distance d'édition de 1 ou 2.

Chaque étape choisit son chemin d'après la fréquence des mots (`pg_stats`) : un mot courant
(plus de 2 % des dossiers) se vérifie sur les dossiers lus du plus récent au plus ancien ;
un mot plus rare se lit dans l'index inversé `dossiers_motdossier` ; un mot avec chiffres
(code postal, référence du créancier) passe par l'index GIN sur `to_tsvector`.
Mesuré à 1 M dossiers (bench/socle.py) : `LIKE '%mot%'` et la similarité trigramme sur le
texte entier coûtaient 130 à 160 ms au 95e centile, et 15 s pour un mot absent.

Sur SQLite (mode embarqué), la recherche est exacte (sous-chaîne du texte normalisé).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.db.models import BooleanField, F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact

from .models import CompteurReference, Creancier, Dossier, normaliser_recherche

TAILLE_PAGE = 50
REFERENCE_COMPLETE = re.compile(r"^(\d{4})-(\d{1,6})$")
NUMERO_SEUL = re.compile(r"^\d{1,6}$")
# Candidats trigramme examinés par mot saisi avant le filtre par distance d'édition.
CANDIDATS_PAR_MOT = 30


def rechercher(qs: QuerySet, terme: str, *, limite: int = 20) -> list:
    """Dossiers dont la référence, un débiteur, le créancier ou la ville répond au terme.

    Accents et casse ignorés (texte normalisé). Sur PostgreSQL, un début de mot et une
    faute de frappe sont tolérés. `qs` est déjà cloisonné à l'étude de l'utilisateur.

    Les étapes ne lisent que les identifiants, sans les jointures ni les préchargements
    de `qs` ; ceux-ci ne s'appliquent qu'aux résultats, lus ensuite en une requête (plus
    celles des préchargements). Jointe au créancier et au clerc, une étape « mot courant »
    laissait PostgreSQL parcourir les dossiers créancier par créancier au lieu de les lire
    du plus récent au plus ancien : 6 à 9 s pour « Richard » à 1 M dossiers et 50
    résultats (la page de recherche), contre 35 ms sans jointure.
    """
    texte = normaliser_recherche(terme)
    mots = texte.split()
    if not mots or limite <= 0:
        return []
    ids = _rechercher_ids(qs.select_related(None).prefetch_related(None), mots, limite)
    if not ids:
        return []
    par_id = {dossier.pk: dossier for dossier in qs.filter(pk__in=ids).order_by()}
    return [par_id[i] for i in ids if i in par_id]


def _rechercher_ids(qs: QuerySet, mots: list[str], limite: int) -> list[int]:
    """Les identifiants des dossiers trouvés, dans l'ordre des étapes (voir `rechercher`)."""
    resultats: list[int] = []
    vus: set[int] = set()

    def completer(sous_qs) -> None:
        reste = limite - len(resultats)
        if reste <= 0:
            return
        if vus:
            sous_qs = sous_qs.exclude(pk__in=vus)
        for pk in sous_qs.values_list("pk", flat=True)[:reste]:
            vus.add(pk)
            resultats.append(pk)

    if len(mots) == 1:
        for filtre in _filtres_reference(mots[0]):
            completer(qs.filter(filtre).order_by("-id"))
        if REFERENCE_COMPLETE.match(mots[0]):
            # Une référence ne se cherche pas dans les mots : « 2026 » est dans un
            # dossier sur cinq, et l'index GIN le lirait en entier.
            return resultats
    if len(mots) >= 2:
        # Un nom de créancier saisi (« Habitat de l'Ouest (OPH) ») : ses dossiers d'abord,
        # par la clé étrangère. Ses mots, tous courants, coûtent cher à croiser dans l'index
        # des dossiers (58 ms au 95e centile à 1 M dossiers, contre ~3 ms ici).
        creanciers = _creanciers(qs, mots)
        if creanciers:
            completer(_par_creanciers(qs, creanciers, besoin=limite + len(vus)))
            if len(resultats) >= limite:
                return resultats
    if connection.vendor != "postgresql":
        exacts = Q()
        for mot in mots:
            exacts &= Q(recherche__contains=mot)
        completer(qs.filter(exacts).order_by("-id"))
        return resultats

    etude_id = _etude_de(qs)
    # « saint-etienne » : deux mots, comme dans l'index inversé (coupé aux tirets).
    mots = [partie for mot in mots for partie in mot.split("-") if partie] or mots
    etapes = [[[(mot, False)] for mot in mots]]
    dernier = mots[-1]
    if len(dernier) >= 3 and not dernier.isdigit():
        etapes.append([[(mot, False)] for mot in mots[:-1]] + [[(dernier, True)]])
    for etape in etapes:
        if len(resultats) >= limite:
            return resultats  # `_par_mots` lit l'index inversé dès l'appel : ne pas l'appeler
        completer(_par_mots(qs, etape, etude_id, besoin=limite + len(vus)))
    if len(resultats) < limite:
        approche = _variantes(mots)
        if approche:
            completer(_par_mots(qs, approche, etude_id, besoin=limite + len(vus)))
    return resultats


# Au-delà, les mots saisis ne désignent pas un créancier : la recherche générale suit.
CREANCIERS_MAX = 20


def _creanciers(qs: QuerySet, mots: list[str]) -> list[int]:
    """Les créanciers de l'étude dont le nom porte chaque mot saisi (le dernier comme début
    de mot), s'ils sont au plus `CREANCIERS_MAX`."""
    # L'étude réduit la lecture ; le cloisonnement, lui, vient de `qs` (appliqué ensuite).
    etude_id = _etude_de(qs)
    filtre = Q() if etude_id is None else Q(etude_id=etude_id)
    # LIKE d'abord (sous-chaîne, ~0,1 µs la ligne), l'expression régulière (bornes de mot,
    # ~2,5 µs) ensuite sur les seules lignes restantes : PostgreSQL garde l'ordre écrit.
    for mot in sorted(mots, key=len, reverse=True):
        filtre &= Q(recherche__contains=mot)
    for rang, mot in enumerate(mots):
        fin = "" if rang == len(mots) - 1 else "([ -]|$)"
        filtre &= Q(recherche__regex=f"(^|[ -]){re.escape(mot)}{fin}")
    ids = list(Creancier.objects.filter(filtre).values_list("id", flat=True)[: CREANCIERS_MAX + 1])
    return ids if len(ids) <= CREANCIERS_MAX else []


def _par_creanciers(qs: QuerySet, creanciers: list[int], *, besoin: int) -> QuerySet:
    """Les dossiers les plus récents de ces créanciers. Sur PostgreSQL, les `besoin` plus
    récents de chacun par l'index (etude, creancier, -id), puis les plus récents de tous :
    au plus `besoin` × `CREANCIERS_MAX` entrées d'index lues, quelle que soit la taille des
    portefeuilles (un bitmap sur la clé étrangère relisait des milliers de lignes)."""
    etude_id = _etude_de(qs)
    if connection.vendor != "postgresql" or etude_id is None:
        return qs.filter(creancier_id__in=creanciers).order_by("-id")
    with connection.cursor() as curseur:
        curseur.execute(
            """
            SELECT d.id FROM unnest(%s::bigint[]) AS c(id)
            CROSS JOIN LATERAL (
                SELECT id FROM dossiers_dossier
                WHERE etude_id = %s AND creancier_id = c.id
                ORDER BY id DESC LIMIT %s
            ) AS d
            ORDER BY d.id DESC LIMIT %s
            """,
            [creanciers, etude_id, besoin, besoin],
        )
        ids = [ligne[0] for ligne in curseur.fetchall()]
    return qs.filter(pk__in=ids).order_by("-id")


def _etude_de(qs: QuerySet) -> int | None:
    """L'étude à laquelle `qs` est cloisonné (`.pour(utilisateur)` : etude_id = ?)."""
    for enfant in qs.query.where.children:
        if (
            isinstance(enfant, Exact)
            and getattr(enfant.lhs, "target", None) is not None
            and enfant.lhs.target.attname == "etude_id"
            and isinstance(enfant.rhs, int)
        ):
            return enfant.rhs
    return None


# Fréquence (part des dossiers) au-delà de laquelle on lit les dossiers du plus récent au plus
# ancien en vérifiant le texte : pour 20 résultats, au plus 1 000 lignes relues (~4 µs
# chacune, mesuré à 1 M dossiers). En deçà, l'index inversé.
SEUIL_FREQUENT = 0.02


def _par_mots(
    qs: QuerySet, termes: list[list[tuple[str, bool]]], etude_id: int | None, *, besoin: int
) -> QuerySet:
    """Dossiers qui portent, pour chaque terme, l'une de ses variantes (mot, début de mot ?).

    PostgreSQL estime mal la fréquence d'un mot rare ou absent (il suppose ~0,15 %) et lit
    alors tout l'index de clé primaire à rebours pour un mot qui n'existe pas (8 s mesurées).
    Le chemin est donc choisi ici, d'après les statistiques de l'index (`pg_stats`).
    """
    frequences = [
        min(1.0, sum(_frequence(mot, prefixe) for mot, prefixe in variantes))
        for variantes in termes
    ]
    frequence = 1.0
    for valeur in frequences:
        frequence *= valeur
    alphabetiques = all(mot.isalpha() for variantes in termes for mot, _ in variantes)
    if frequence < SEUIL_FREQUENT and etude_id is not None and alphabetiques:
        ordre = sorted(range(len(termes)), key=frequences.__getitem__)
        termes = _sans_prefixes([termes[i] for i in ordre])
        if not all(termes):
            return qs.none()
        ids = _ids_index_inverse(etude_id, termes, besoin * 2 + 20)
        return qs.filter(pk__in=ids).order_by("-id")
    if frequence >= SEUIL_FREQUENT:
        # Mot courant : parcours de (etude, -id) et vérification du texte par expression
        # régulière (bornes de mot : espace, tiret, début ou fin), bien moins chère que
        # to_tsvector ligne à ligne ; quelques centaines de lignes suffisent pour 20.
        for variantes in termes:
            alternatives = "|".join(
                mot if prefixe else f"{mot}([ -]|$)" for mot, prefixe in variantes
            )
            qs = qs.filter(recherche__regex=f"(^|[ -])({alternatives})")
        return qs.order_by("-id")
    requete = " & ".join(
        "(" + " | ".join(f"{mot}:*" if prefixe else mot for mot, prefixe in variantes) + ")"
        for variantes in termes
    )
    # Mot rare : index GIN, puis tri des quelques lignes trouvées ; `id + 0` empêche
    # PostgreSQL de préférer le parcours de la clé primaire.
    return qs.filter(_tsquery(requete)).order_by((F("id") + 0).desc())


def _sans_prefixes(termes: list[list[tuple[str, bool]]]) -> list[list[str]]:
    """Chaque terme en liste de mots exacts : un début de mot devient les mots connus qui
    commencent ainsi (table des mots). Une sonde `mot LIKE 'lef%'` dans l'index inversé
    parcourrait tous les dossiers de tous ces mots ; `mot = ANY(...)` descend une fois par
    mot."""
    prefixes = sorted({mot for variantes in termes for mot, prefixe in variantes if prefixe})
    developpes: dict[str, list[str]] = {p: [] for p in prefixes}
    if prefixes:
        with connection.cursor() as curseur:
            # Intervalle [prefixe, prefixe + U+FFFF) : la clé primaire sert (ordre des
            # points de code en C.UTF-8), là où LIKE demanderait text_pattern_ops.
            curseur.execute(
                "SELECT p, m.mot FROM unnest(%s::text[]) AS p"
                " JOIN dossiers_motrecherche m ON m.mot >= p AND m.mot < p || chr(65535)",
                [prefixes],
            )
            for prefixe, mot in curseur.fetchall():
                developpes[prefixe].append(mot)
    resultat = []
    for variantes in termes:
        mots: list[str] = []
        for mot, prefixe in variantes:
            mots += developpes[mot] if prefixe else [mot]
        resultat.append(sorted(set(mots)))
    return resultat


def _condition_mot(alias: str, mots: list[str]) -> tuple[str, list]:
    if len(mots) == 1:
        return f"{alias}.mot = %s", [mots[0]]
    return f"{alias}.mot = ANY(%s)", [mots]


def _ids_index_inverse(etude_id: int, termes: list, limite: int) -> list[int]:
    """Les `limite` dossiers les plus récents qui portent chaque terme (index inversé).

    Le terme le plus rare mène : ses dossiers se lisent du plus récent au plus ancien dans
    l'index (etude_id, mot, dossier_id) ; chaque autre terme est vérifié dans le même index.
    Un mot exact seul se lit sans tri (Index Only Scan à rebours).
    """
    condition, parametres = _condition_mot("a", termes[0])
    sql = [
        "SELECT DISTINCT a.dossier_id FROM dossiers_motdossier a",
        f"WHERE a.etude_id = %s AND {condition}",
    ]
    parametres = [etude_id, *parametres]
    for rang, variantes in enumerate(termes[1:], start=1):
        alias = f"b{rang}"
        condition, extra = _condition_mot(alias, variantes)
        # Seuls des alias et des « %s » entrent dans le texte ; les mots sont des paramètres.
        sonde = f"SELECT 1 FROM dossiers_motdossier {alias} WHERE {alias}.etude_id = %s"  # noqa: S608
        # PostgreSQL choisit entre fusion des listes triées (Merge Semi Join), hachage des
        # dossiers des variantes ou sonde par dossier ; mesuré, son choix est le bon.
        sql.append(f"AND EXISTS ({sonde} AND {alias}.dossier_id = a.dossier_id AND {condition})")
        parametres += [etude_id, *extra]
    sql.append("ORDER BY a.dossier_id DESC LIMIT %s")
    with connection.cursor() as curseur:
        curseur.execute("\n".join(sql), [*parametres, limite])
        return [ligne[0] for ligne in curseur.fetchall()]


_STATISTIQUES: dict = {"lu_a": -1e9, "frequences": {}, "minimum": 0.0}
DUREE_STATISTIQUES = 600  # s ; ANALYZE (autovacuum) les renouvelle bien moins souvent


def _frequences() -> tuple[dict[str, float], float]:
    """Fréquence des mots courants d'après `pg_stats` de l'index dossier_recherche_mots."""
    if time.monotonic() - _STATISTIQUES["lu_a"] > DUREE_STATISTIQUES:
        with connection.cursor() as curseur:
            curseur.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                " WHERE tablename = 'dossier_recherche_mots'"
            )
            ligne = curseur.fetchone()
        frequences, minimum = {}, 0.0
        if ligne and ligne[0]:
            mots, valeurs = ligne
            frequences = dict(zip(mots, valeurs[: len(mots)], strict=True))
            minimum = valeurs[len(mots)]  # suivent le minimum, le maximum, les vides
        _STATISTIQUES.update(lu_a=time.monotonic(), frequences=frequences, minimum=minimum)
    return _STATISTIQUES["frequences"], _STATISTIQUES["minimum"]


def _frequence(mot: str, prefixe: bool) -> float:
    frequences, minimum = _frequences()
    if prefixe:
        return sum(f for m, f in frequences.items() if m.startswith(mot))
    # Un mot absent des statistiques est plus rare que le moins fréquent d'entre eux.
    return frequences.get(mot, minimum / 2)


def _tsquery(requete: str) -> RawSQL:
    # Même expression que l'index dossier_recherche_mots (migration 0004), sans quoi
    # PostgreSQL ne s'en sert pas. Seule la requête varie, et elle passe en paramètre.
    table = Dossier._meta.db_table
    return RawSQL(  # noqa: S611
        f'to_tsvector(\'simple\'::regconfig, "{table}"."recherche") '
        "@@ to_tsquery('simple'::regconfig, %s)",
        [requete],
        output_field=BooleanField(),
    )


def _filtres_reference(mot: str) -> list[Q]:
    """Référence exacte, puis début de référence ; un numéro seul vaut pour chaque année."""
    complete = REFERENCE_COMPLETE.match(mot)
    if complete:
        annee, numero = complete.groups()
        filtres = [Q(reference=Dossier.formater_reference(int(annee), int(numero)))]
        if len(numero) < 6:
            # Saisie en cours : « 2026-0001 » ; index dossier_reference_prefixe.
            filtres.append(Q(reference__startswith=mot))
        return filtres
    if NUMERO_SEUL.match(mot):
        annees = CompteurReference.objects.values_list("annee", flat=True).distinct()
        references = [Dossier.formater_reference(a, int(mot)) for a in sorted(set(annees))]
        return [Q(reference__in=references)] if references else []
    return []


def _variantes(mots: list[str]) -> list[list[tuple[str, bool]]] | None:
    """Chaque mot d'au moins 4 lettres et les mots connus proches de lui, ou None.

    Une seule requête pour tous les mots : les plus proches par trigrammes (GiST, plus
    proches voisins), filtrés ici par distance d'édition (une transposition compte pour
    une : « dupnot » -> « dupont »).
    """
    a_corriger = sorted({m for m in mots if len(m) >= 4 and m.isalpha()})
    if not a_corriger:
        return None
    with connection.cursor() as curseur:
        curseur.execute(
            """
            SELECT saisi, proche.mot
            FROM unnest(%s::text[]) AS saisi
            CROSS JOIN LATERAL (
                SELECT mot FROM dossiers_motrecherche
                ORDER BY mot <-> saisi LIMIT %s
            ) AS proche
            """,
            [a_corriger, CANDIDATS_PAR_MOT],
        )
        proches: dict[str, set[str]] = {}
        for saisi, mot in curseur.fetchall():
            if mot != saisi and distance_edition(saisi, mot) <= _tolerance(saisi):
                proches.setdefault(saisi, set()).add(mot)
    if not proches:
        return None
    return [[(mot, False)] + [(v, False) for v in sorted(proches.get(mot, ()))] for mot in mots]


def _tolerance(mot: str) -> int:
    return 1 if len(mot) < 6 else 2


def distance_edition(a: str, b: str) -> int:
    """Distance de Damerau-Levenshtein restreinte (insertion, suppression, substitution,
    transposition de deux lettres voisines)."""
    precedente2: list[int] = []
    precedente = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        courante = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cout = 0 if ca == cb else 1
            courante[j] = min(precedente[j] + 1, courante[j - 1] + 1, precedente[j - 1] + cout)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                courante[j] = min(courante[j], precedente2[j - 2] + 1)
        precedente2, precedente = precedente, courante
    return precedente[-1]


TRIS = {
    "recents": ("id", True),
    "anciens": ("id", False),
    "montant": ("montant_principal", True),
    "reference": ("reference", False),
}


@dataclass
class Page:
    objets: list
    suivante: str | None
    tri: str


def _decoder(tri: str, curseur: str | None):
    if not curseur:
        return None
    try:
        valeur, _, ident = curseur.rpartition("_")
        ident = int(ident)
        champ, _ = TRIS[tri]
        if champ == "id":
            return (ident, ident)
        if champ == "montant_principal":
            return (Decimal(valeur), ident)
        return (valeur, ident)
    except (ValueError, InvalidOperation, KeyError):
        return None


def curseur_de(dossier, tri: str) -> str:
    """Le curseur qui mène à la page suivant `dossier` dans l'ordre `tri`."""
    champ, _ = TRIS[tri]
    return f"{getattr(dossier, champ)}_{dossier.id}"


def paginer(
    qs: QuerySet, *, tri: str = "recents", apres: str | None = None, taille: int = TAILLE_PAGE
) -> Page:
    """Une page de `taille` lignes après le curseur `apres` (pagination par clé)."""
    if tri not in TRIS:
        tri = "recents"
    champ, desc = TRIS[tri]
    cle = _decoder(tri, apres)
    if cle is not None:
        valeur, ident = cle
        if champ == "id":
            qs = qs.filter(id__lt=ident) if desc else qs.filter(id__gt=ident)
        elif desc:
            # `champ <= valeur` est redondant mais donne à PostgreSQL la borne de parcours de
            # l'index (etude, champ, id) : sans elle, la page 10 000 relit les 500 000 lignes
            # qui la précèdent pour les écarter une à une.
            qs = qs.filter(
                Q(**{f"{champ}__lte": valeur}),
                Q(**{f"{champ}__lt": valeur}) | Q(**{champ: valeur, "id__lt": ident}),
            )
        else:
            qs = qs.filter(
                Q(**{f"{champ}__gte": valeur}),
                Q(**{f"{champ}__gt": valeur}) | Q(**{champ: valeur, "id__gt": ident}),
            )
    ordre = [f"-{champ}", "-id"] if desc else [champ, "id"]
    if champ == "id":
        ordre = ordre[:1]
    objets = list(qs.order_by(*ordre)[: taille + 1])
    suivante = None
    if len(objets) > taille:
        objets = objets[:taille]
        suivante = curseur_de(objets[-1], tri)
    return Page(objets=objets, suivante=suivante, tri=tri)


CHAMPS_PERSONNE = (
    "type_personne",
    "civilite",
    "nom",
    "prenoms",
    "raison_sociale",
    "forme_juridique",
)
CHAMPS_LISTE = (
    "reference",
    "montant_principal",
    "nature",
    "phase",
    "statut",
    "complexe",
    "ouvert_le",
    "etude_id",
    "creancier_id",
    "clerc_id",
    *(f"creancier__{champ}" for champ in CHAMPS_PERSONNE),
    "clerc__first_name",
    "clerc__last_name",
    "clerc__username",
)


def pour_liste(qs: QuerySet) -> QuerySet:
    """Ce qu'une ligne de liste affiche, et rien de plus : créancier et clerc joints,
    débiteurs en une requête. À 50 lignes, construire des objets complets coûte plus que la
    requête elle-même (bench/socle.py, « page complète »)."""
    from .models import Debiteur

    return (
        qs.select_related("creancier", "clerc")
        .only(*CHAMPS_LISTE)
        .prefetch_related(
            Prefetch("debiteurs", queryset=Debiteur.objects.only(*CHAMPS_PERSONNE, "ville"))
        )
    )
