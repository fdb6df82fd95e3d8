"""Backend SMS des tests de fiabilité : une ligne par message dans le fichier
`RELANCES_SMS_FICHIER` (le worker Celery est un autre processus), un peu lent pour qu'on
puisse le tuer au milieu d'un paquet."""

import os
import time


class SMSFichier:
    def envoyer(self, *, numero: str, texte: str, reference: str) -> str:
        time.sleep(float(os.environ.get("RELANCES_SMS_LENTEUR", "0.02")))
        with open(os.environ["RELANCES_SMS_FICHIER"], "a") as fichier:
            fichier.write(f"{reference}\n")
            fichier.flush()
            os.fsync(fichier.fileno())
        return reference
