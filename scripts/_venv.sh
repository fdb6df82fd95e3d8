# Fonctions communes aux scripts : environnement virtuel .venv créé et tenu à jour.
# À sourcer depuis la racine du dépôt (`. scripts/_venv.sh`), jamais à exécuter seul.

# Playwright (paquet Python) ne télécharge jamais de navigateur ici : les tests de
# navigateur pilotent le Chromium de Debian (/usr/bin/chromium).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

trouver_python() {
    local candidat
    for candidat in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidat" ] || continue
        if command -v "$candidat" >/dev/null 2>&1 \
            && "$candidat" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null
        then
            command -v "$candidat"
            return 0
        fi
    done
    echo "Python 3.11 introuvable : installez-le (ou indiquez-le avec PYTHON=/chemin/python3.11)." >&2
    return 1
}

# pip --quiet, sans les avertissements des index locaux absents de certaines machines.
pip_installer() {
    .venv/bin/python -m pip install --quiet "$@" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

# Crée .venv si besoin et (ré)installe les dépendances de pyproject.toml quand il a changé.
preparer_venv() {
    local python empreinte temoin
    if [ ! -x .venv/bin/python ]; then
        python=$(trouver_python)
        echo "Création de l'environnement virtuel .venv ($python)…"
        "$python" -m venv .venv
    fi
    empreinte=$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')
    temoin=.venv/.etude-installe
    if [ "$(cat "$temoin" 2>/dev/null)" != "$empreinte" ]; then
        echo "Installation des dépendances (pyproject.toml)…"
        pip_installer --upgrade pip
        pip_installer -e ".[dev]"
        echo "$empreinte" > "$temoin"
    fi
    # shellcheck disable=SC1091
    . .venv/bin/activate
}
