"""Remplir un brouillon d'acte depuis le dossier : parties (CPC 648), titre, décompte
(principal, frais, intérêts et taux distincts), dates calculées des délais que l'acte énonce,
textes d'articles à reproduire, coût de l'acte.

Le résultat est un dictionnaire de chaînes prêtes à lire (montants « 1 234,56 € », dates
« 05/02/2026 ») : c'est la photographie que l'acte garde (`Acte.donnees`), que le gabarit
affiche et que la conformité retrouve mot pour mot dans le texte.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from comptabilite import tarif
from comptabilite.monnaie import ZERO, arrondir, date_fr, euros, pourcent
from comptabilite.services import decompte_dossier
from dossiers.models import TypePersonne
from etude.errors import DonneeManquante
from procedures import catalogue, delais
from procedures.gardes import jour_de

from .models import TexteArticle
from .types import TypeActe


def _adresse(personne) -> str:
    morceaux = [personne.adresse, " ".join(p for p in [personne.code_postal, personne.ville] if p)]
    return ", ".join(m for m in morceaux if m)


def _date(d) -> str:
    return date_fr(d) if d else ""


def partie(personne) -> dict:
    """Les éléments d'identité que CPC 648 exige, selon la nature de la personne."""
    if personne.type_personne == TypePersonne.MORALE:
        return {
            "type": "morale",
            "designation": personne.designation,
            "denomination": personne.raison_sociale,
            "forme": personne.forme_juridique,
            "siege": _adresse(personne),
            "adresse": _adresse(personne),
            "representant": personne.representant,
            "domicile": _adresse(personne),
        }
    return {
        "type": "physique",
        "designation": personne.designation,
        "nom": personne.nom.upper(),
        "prenoms": personne.prenoms,
        "profession": getattr(personne, "profession", ""),
        "domicile": _adresse(personne),
        "adresse": _adresse(personne),
        "nationalite": getattr(personne, "nationalite", ""),
        "date_naissance": _date(getattr(personne, "date_naissance", None)),
        "lieu_naissance": getattr(personne, "lieu_naissance", ""),
    }


def commissaire_de(etude):
    from etude.models import Role, Utilisateur

    return (
        Utilisateur.objects.filter(etude=etude, groups__name=Role.COMMISSAIRE, is_active=True)
        .order_by("id")
        .first()
    )


def _commissaire(etude) -> dict:
    c = commissaire_de(etude)
    demeure = f"{etude.nom}, {_adresse(etude)}"
    if c is None:
        return {"nom": "", "prenoms": "", "demeure": demeure}
    return {
        "nom": c.last_name.upper(),
        "prenoms": c.first_name,
        "demeure": demeure,
        "initiales": c.get_initiales(),
    }


def _titre(titre) -> dict:
    if titre is None:
        return {"designation": ""}
    morceaux = [
        f"{titre.get_nature_display()} rendu(e) le {date_fr(titre.date_titre)} par "
        f"{titre.juridiction}"
    ]
    if titre.numero_rg:
        morceaux.append(f"n° {titre.numero_rg}")
    if titre.date_signification:
        morceaux.append(f"signifié(e) le {date_fr(titre.date_signification)}")
    morceaux.append("revêtu(e) de la formule exécutoire")
    return {"designation": ", ".join(morceaux)}


def _decompte(dossier, le: date, *, provision: bool, calendrier: str) -> dict:
    d = decompte_dossier(dossier, le=le)
    # Les jours au cours arrêté (échéancier qui remet les intérêts) n'ont pas de taux.
    taux = list(dict.fromkeys(pourcent(m.taux) for m in d.morceaux if not m.suspendu))
    resultat = {
        "principal": euros(d.principal_du),
        "frais": euros(d.frais_dus),
        "interets": euros(d.interets_dus) if d.interets_dus is not None else "",
        "taux": taux,
        "total": euros(d.total_du) if d.total_du is not None else "",
        "total_montant": str(d.total_du if d.total_du is not None else d.principal_du),
        "principal_montant": str(d.principal_du),
        "interets_montant": str(d.interets_dus or ZERO),
        "arrete_au": date_fr(le),
        "a_verifier": list(d.a_verifier),
        "erreurs": list(d.erreurs),
    }
    if not d.morceaux and d.interets_dus is not None:
        resultat["taux"] = ["sans intérêts (le titre n'en alloue pas)"]
    if provision and d.interets_dus is not None:
        # CPCE R211-1 3° : provision pour les intérêts à échoir pendant le mois de
        # contestation ; estimée au dernier taux connu, jour par jour sur 365 (CONTRAT.md).
        fin = delais.fin_de_delai(le, mois=1, calendrier=calendrier)
        dernier = d.morceaux[-1].taux if d.morceaux else ZERO
        jours = (fin - le).days
        montant = arrondir(d.principal_du * dernier * jours / Decimal(36500))
        resultat["provision"] = euros(montant)
        resultat["provision_detail"] = f"{jours} jours au taux de {pourcent(dernier)}"
    return resultat


def _echeance(code: str, depart: date, calendrier: str, **options) -> date:
    return catalogue.echeance(code, depart, calendrier=calendrier, **options).date_sure


def _articles(type_acte: TypeActe, options: dict, le: date) -> dict:
    textes = {}
    for code in type_acte.articles_requis(options):
        texte = TexteArticle.objects.en_vigueur(code, le)
        if texte is None or not texte.complet:
            etat = "incomplet" if texte is not None else "non saisi"
            raise DonneeManquante(
                f"Texte de l'article {code} {etat} au {date_fr(le)} : l'acte « "
                f"{type_acte.libelle} » doit le reproduire in extenso. Saisir son texte "
                "officiel (Légifrance) dans l'administration (Actes › Textes d'articles), avec "
                "sa date de version et sa source."
            )
        textes[code] = {
            "libelle": texte.libelle,
            "texte": texte.texte,
            "version_du": date_fr(texte.version_du),
        }
    return textes


def cout(type_acte: TypeActe, *, le: date, obligation: Decimal) -> dict:
    """Coût de l'acte : émolument × coefficient A444-46, TVA 20 % (CGI 278). Une donnée
    absente ou non confirmée du tarif est rapportée (`erreurs`, `a_verifier`)."""
    if type_acte.emolument is None:
        return {
            "sans": "Acte sans émolument à la charge du débiteur (CPCE L111-8 al. 2 : frais "
            "du recouvrement sans titre à la charge du créancier ; L125-1 pour les petites "
            "créances).",
            "a_verifier": [],
            "erreurs": [],
        }
    try:
        calcul = tarif.calculer_emolument(
            type_acte.emolument,
            le=le,
            obligation=obligation if type_acte.coefficient else None,
        )
    except DonneeManquante as manque:
        return {"a_verifier": [], "erreurs": [str(manque)]}
    montant_tva = tarif.tva(calcul.montant)
    return {
        "code": calcul.code,
        "article": calcul.article,
        "libelle": calcul.libelle,
        "emolument": euros(calcul.emolument),
        "coefficient": str(calcul.coefficient).replace(".", ","),
        "ht": euros(calcul.montant),
        "montant_ht": str(calcul.montant),
        "tva": euros(montant_tva),
        "total": euros(calcul.montant + montant_tva),
        "a_verifier": list(calcul.a_verifier),
        "erreurs": [],
    }


def donnees_acte(
    *, type_acte: TypeActe, dossier, procedure, date_acte: date, options: dict
) -> dict:
    """Les données d'un brouillon, lues dans le dossier et la procédure au `date_acte`."""
    etude = dossier.etude
    calendrier = etude.calendrier
    specifique = procedure.specifique if procedure is not None else None
    debiteur = procedure.debiteur if procedure is not None else dossier.debiteurs.first()
    titre = (procedure.titre if procedure is not None else None) or dossier.titres.first()
    deb = partie(debiteur)
    juridiction = (
        f"le juge de l'exécution du tribunal judiciaire de {debiteur.ville}"
        if debiteur.ville
        else ""
    )
    d = {
        "type_acte": type_acte.code,
        "libelle": type_acte.libelle,
        "date_acte": date_fr(date_acte),
        "reference_dossier": dossier.reference,
        "requerant": partie(dossier.creancier),
        "commissaire": _commissaire(etude),
        "debiteur": deb,
        "destinataire": deb,
        "titre": _titre(titre),
        "juridiction": juridiction,
        "options": {k: v for k, v in options.items() if not isinstance(v, date)},
        "delais": {},
    }
    d["decompte"] = _decompte(
        dossier, date_acte, provision=type_acte.code == "saisie_attribution", calendrier=calendrier
    )
    code = type_acte.code
    delai = d["delais"]
    if titre is None:
        # Sans titre (injonction, petites créances, amiable) : la créance du dossier, sans
        # intérêts ni frais calculés (le grand livre s'ouvre sur un titre).
        d["decompte"].update(
            principal=euros(dossier.montant_principal),
            principal_montant=str(dossier.montant_principal),
            frais=euros(Decimal(str(options.get("frais_greffe", "0")))),
            interets=euros(Decimal(str(options.get("interets", "0")))),
            interets_montant=str(options.get("interets", "0")),
            taux=[options.get("taux", "sans intérêts demandés")],
        )
        total = dossier.montant_principal + Decimal(str(options.get("frais_greffe", "0")))
        total += Decimal(str(options.get("interets", "0")))
        d["decompte"]["total"] = euros(total)
        d["decompte"]["total_montant"] = str(total)
    if code == "saisie_attribution":
        d["destinataire"] = d["tiers"] = {
            "designation": options.get("tiers_designation", ""),
            "domicile": options.get("tiers_siege", ""),
        }
        d["heure_signification"] = options.get("heure", "")
    elif code == "denonciation_saisie_attribution":
        if specifique is not None and specifique.signifie_le:
            d["saisie"] = {
                "designation": f"Acte de saisie-attribution signifié le "
                f"{_date(jour_de(specifique.signifie_le))} à {specifique.tiers_saisi}",
            }
        delai["contestation"] = date_fr(_echeance("sa_contestation", date_acte, calendrier))
        if options.get("compte_bancaire") and specifique is not None:
            d["sbi"] = {
                "montant": euros(specifique.sbi_applique) if specifique.sbi_applique else "",
                "comptes": options.get("comptes", ""),
            }
    elif code == "certificat_non_contestation":
        denoncee = getattr(specifique, "denoncee_le", None)
        d["saisie"] = {"denoncee_le": _date(jour_de(denoncee)) if denoncee else ""}
        if denoncee:
            delai["contestation"] = date_fr(
                _echeance("sa_contestation", jour_de(denoncee), calendrier)
            )
        d["tiers"] = {"designation": getattr(specifique, "tiers_saisi", "")}
    elif code == "pv_saisie_vente":
        delai["vente_amiable"] = date_fr(_echeance("sv_vente_amiable", date_acte, calendrier))
    elif code == "signification_injonction_de_payer":
        if specifique is not None and specifique.montant_principal is not None:
            d["decompte"]["principal"] = euros(specifique.montant_principal)
        d["ordonnance"] = {
            "designation": (
                f"Ordonnance d'injonction de payer rendue le {_date(specifique.ordonnance_le)} "
                f"par {specifique.juridiction}, sur requête déposée le "
                f"{_date(specifique.requete_le)}, revêtue de la formule exécutoire"
                if specifique is not None and specifique.ordonnance_le
                else ""
            ),
            "juridiction": getattr(specifique, "juridiction", ""),
        }
        delai["opposition"] = date_fr(
            _echeance(
                "ip_opposition",
                date_acte,
                calendrier,
                distance=getattr(specifique, "distance", None) or None,
            )
        )
    elif code in ("lettre_petites_creances", "lettre_amiable", "mise_en_demeure"):
        d["creance"] = {
            "fondement": options.get("fondement")
            or f"{dossier.get_nature_display()}"
            + (f", référence {dossier.reference_creancier}" if dossier.reference_creancier else "")
        }
        if code == "lettre_petites_creances":
            delai["reponse"] = date_fr(_echeance("pc_reponse", date_acte, calendrier))
    elif code == "commandement_saisie_remunerations":
        delai["contestation"] = date_fr(
            delais.fin_de_delai(date_acte, mois=1, calendrier=calendrier)
        )
    elif code == "pv_saisie_remunerations":
        employeur = getattr(specifique, "employeur", "") or debiteur.employeur_nom
        d["destinataire"] = d["tiers"] = {
            "designation": options.get("tiers_designation") or employeur,
            "domicile": options.get("tiers_siege") or debiteur.employeur_adresse,
        }
        d["repartiteur"] = {
            "designation": getattr(specifique, "repartiteur", ""),
            "adresse": options.get("repartiteur_adresse", ""),
        }
    elif code == "commandement_quitter_lieux":
        fin = _echeance("ex_attente_commandement", date_acte, calendrier)
        delai["liberation"] = date_fr(fin + timedelta(days=1))
    elif code == "pv_expulsion":
        if options.get("meubles_laisses"):
            delai["meubles"] = date_fr(_echeance("ex_meubles", date_acte, calendrier))
            delai["contestation_meubles"] = date_fr(
                _echeance("ex_contestation_meubles", date_acte, calendrier)
            )
    elif code == "commandement_clause_resolutoire":
        bail_le = options.get("bail_signe_le")
        loyer = options.get("loyer_mensuel")
        charges = options.get("charges_mensuelles") or ZERO
        d["bail"] = {
            "signe_le": _date(bail_le),
            "delai_libelle": "",
            "loyer": "",
            "dette": d["decompte"]["total"],
            "fsl_adresse": options.get("fsl_adresse", ""),
        }
        if bail_le:
            duree = catalogue.duree_clause(bail_le)
            d["bail"]["delai_libelle"] = "six semaines" if "jours" in duree else "deux mois"
            delai["paiement"] = date_fr(
                _echeance("cr_paiement", date_acte, calendrier, duree=duree)
            )
        if loyer is not None:
            d["bail"]["loyer"] = (
                f"{euros(loyer + charges)} par mois ({euros(loyer)} de loyer et "
                f"{euros(charges)} de charges)"
            )
    elif code == "pv_recherches":
        d["acte_signifie"] = {"designation": options.get("acte_signifie", "")}
    d["articles"] = _articles(type_acte, options, date_acte)
    obligation = Decimal(d["decompte"]["total_montant"])
    d["cout"] = cout(type_acte, le=date_acte, obligation=obligation)
    return d
