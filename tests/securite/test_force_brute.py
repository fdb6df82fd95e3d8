"""Force brute sur la connexion : bloquée par django-axes après AXES_FAILURE_LIMIT échecs
(tests/etude/test_connexion.py le montre) ET journalisée : chaque échec et le blocage
laissent une ligne qui nomme l'identifiant visé, jamais le mot de passe essayé."""

import logging

from django.conf import settings
from django.urls import reverse


def test_la_force_brute_est_bloquee_et_journalisee_sans_mot_de_passe(client, clerc, caplog):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    essais = [f"Essai-Secret-{n:02d}!" for n in range(settings.AXES_FAILURE_LIMIT + 2)]
    codes = []
    with caplog.at_level(logging.INFO):
        for mot_de_passe in essais:
            reponse = client.post(
                reverse("connexion"), {"username": "clerc", "password": mot_de_passe}
            )
            codes.append(reponse.status_code)
    limite = settings.AXES_FAILURE_LIMIT
    assert codes[: limite - 1] == [200] * (limite - 1)
    assert set(codes[limite - 1 :]) == {429}
    assert "_auth_user_id" not in client.session
    echecs = [r for r in caplog.records if r.name.startswith("axes") and "clerc" in r.getMessage()]
    messages = " ".join(r.getMessage() for r in echecs)
    assert "login failure by" in messages
    assert "after repeated login failures" in messages  # « Locking out … » : le blocage
    assert any(r.levelno >= logging.WARNING for r in echecs)
    tout = " ".join(r.getMessage() for r in caplog.records)
    assert not [m for m in essais if m in tout]
    # La tentative enregistrée en base (vue dans l'administration) masque aussi le mot de passe.
    tentative = AccessAttempt.objects.get(username="clerc")
    assert tentative.failures_since_start >= limite
    assert not [m for m in essais if m in tentative.post_data]
