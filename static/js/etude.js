/* Étude : comportements de l'interface, en amélioration progressive.
   Tout fonctionne sans JavaScript ; la CSP interdit le script en ligne, tout est ici. */
(function () {
  "use strict";

  function masquer(element, cache) {
    if (element) {
      element.classList.toggle("cache", cache);
    }
  }

  function valeurCochee(conteneur, suffixe) {
    var coche = conteneur.querySelector('input[type="radio"][name$="' + suffixe + '"]:checked');
    return coche ? coche.value : null;
  }

  /* Une partie (créancier, débiteur) : partie existante choisie -> la saisie est masquée ;
     personne physique ou morale -> seuls ses champs sont montrés. */
  function majPartie(partie) {
    var existant = valeurCochee(partie, "-existant");
    masquer(partie.querySelector("[data-nouveau]"), Boolean(existant));
    var type = valeurCochee(partie, "-type_personne") || "physique";
    partie.querySelectorAll("[data-pour]").forEach(function (groupe) {
      masquer(groupe, groupe.getAttribute("data-pour") !== type);
    });
  }

  function majTitre() {
    var case_ = document.getElementById("id_dossier-avec_titre");
    var titre = document.querySelector("[data-titre]");
    if (case_ && titre) {
      masquer(titre, !case_.checked);
    }
  }

  function initialiser(racine) {
    racine.querySelectorAll("[data-partie]").forEach(majPartie);
    majTitre();
  }

  document.addEventListener("change", function (evenement) {
    var cible = evenement.target;
    var partie = cible.closest ? cible.closest("[data-partie]") : null;
    if (partie) {
      majPartie(partie);
    }
    if (cible.id === "id_dossier-avec_titre") {
      majTitre();
    }
    /* Principal du titre : repris du principal réclamé s'il est encore vide. */
    if (cible.id === "id_dossier-montant_principal") {
      var principalTitre = document.getElementById("id_titre-montant_principal");
      if (principalTitre && !principalTitre.value) {
        principalTitre.value = cible.value;
      }
    }
  });

  /* « Ajouter un débiteur » : clone le modèle du formset au lieu d'un aller-retour. */
  document.addEventListener("click", function (evenement) {
    var bouton = evenement.target.closest ? evenement.target.closest("#ajouter-debiteur") : null;
    if (!bouton) {
      return;
    }
    var modele = document.getElementById("debiteur-modele");
    var total = document.getElementById("id_debiteurs-TOTAL_FORMS");
    var maximum = document.getElementById("id_debiteurs-MAX_NUM_FORMS");
    var conteneur = document.getElementById("debiteurs");
    if (!modele || !total || !conteneur) {
      return;
    }
    evenement.preventDefault();
    var index = parseInt(total.value, 10);
    if (maximum && index >= parseInt(maximum.value, 10)) {
      return;
    }
    var html = modele.innerHTML.replace(/__prefix__/g, String(index));
    var tampon = document.createElement("div");
    tampon.innerHTML = html.trim();
    var bloc = tampon.firstElementChild;
    var legende = bloc.querySelector("legend");
    if (legende) {
      legende.textContent = "Débiteur " + String(index + 1);
    }
    conteneur.appendChild(bloc);
    total.value = String(index + 1);
    if (window.htmx) {
      window.htmx.process(bloc);
    }
    majPartie(bloc);
    var premier = bloc.querySelector("input[type=search]");
    if (premier) {
      premier.focus();
    }
  });

  /* Recherche de l'en-tête : Échap ferme la liste des résultats rapides. */
  document.addEventListener("keydown", function (evenement) {
    if (evenement.key !== "Escape") {
      return;
    }
    var resultats = document.getElementById("recherche-resultats");
    if (resultats && resultats.contains(document.activeElement)) {
      document.getElementById("recherche-q").focus();
    }
    if (resultats) {
      resultats.innerHTML = "";
    }
  });

  /* Après une erreur de création, le résumé d'erreurs reçoit le focus (lecteurs d'écran). */
  document.addEventListener("DOMContentLoaded", function () {
    initialiser(document);
    var erreurs = document.getElementById("erreurs");
    if (erreurs) {
      erreurs.focus();
    }
  });

  document.addEventListener("htmx:afterSwap", function (evenement) {
    var partie = evenement.target.closest ? evenement.target.closest("[data-partie]") : null;
    if (partie) {
      majPartie(partie);
    }
  });
})();

/* Procédures (issue 4) : une adresse de calendrier se sélectionne d'un clic ; une ancre vers
   une étape (#etape-…) ouvre son formulaire replié. */
(function () {
  "use strict";

  function ouvrirEtapeCiblee() {
    if (!window.location.hash) {
      return;
    }
    var cible = document.getElementById(window.location.hash.slice(1));
    if (cible && cible.tagName === "DETAILS") {
      cible.open = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".adresse-ical").forEach(function (champ) {
      champ.addEventListener("focus", function () {
        champ.select();
      });
    });
    ouvrirEtapeCiblee();
  });
  window.addEventListener("hashchange", ouvrirEtapeCiblee);
})();
