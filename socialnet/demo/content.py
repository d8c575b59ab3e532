"""What the demo company talks about: post and comment templates, French and English.

Pure data. Templates are Markdown with ``str.format`` fields filled by the seeder:
``{who}`` and ``{other}`` become ``@handles`` of real colleagues, ``{site}`` a
site, ``{dept}`` a department, ``{n}`` a small number, ``{day}`` a weekday. The
rendering (HTML, links to mentions and hashtags) is done by the services.
"""

from __future__ import annotations

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")

POSTS: tuple[str, ...] = (
    "Bravo à {who} pour la livraison de la série **Aurora 2** en avance sur le planning ! "
    "#production #bravo",
    "Rappel : l'atelier de {site} sera fermé {day} matin pour maintenance préventive. "
    "Merci de vous organiser avec {who}. #maintenance",
    "Big thanks to {who} and {other} for the customer demo in {site} today, the client "
    "signed for **{n} prototypes**. #sales #teamwork",
    "Nouveau dans l'équipe {dept} : bienvenue à {who} ! N'hésitez pas à passer dire bonjour "
    "☕ #bienvenue",
    "Quick poll for the {dept} folks: who is in for a lunch & learn on *optical simulation* "
    "next {day}? {who} will present. #learning",
    "Le comité qualité a validé les points suivants :\n\n"
    "1. nouvelle gamme de contrôle pour les diffuseurs\n"
    "2. audit fournisseur prévu dans {n} semaines\n"
    "3. formation **5S** pour l'équipe de {site}\n\n"
    "Merci {who} pour la préparation. #qualite",
    "Reminder: the VPN certificate rotates on {day}. If you cannot connect, run\n\n"
    "```\nlumen-vpn renew --user $USER\n```\n\n"
    "and ping {who} if it still fails. #it #vpn",
    "Les résultats du trimestre sont en ligne sur l'intranet : "
    "[synthèse T2](https://intranet.lumen.example/finance/t2). "
    "Questions bienvenues, {who} et moi répondrons en commentaire. #finance",
    "Our booth at Light+Building is confirmed! Checklist:\n\n"
    "- demo kit (ask {who})\n- brochures FR/EN/ES\n- **badges** for {n} people\n\n"
    "#marketing #salon",
    "Afterwork {site} ce {day} à 18h30 au café d'en face 🍻 — {who} réserve la terrasse. "
    "#afterwork",
    "The new firmware `v{n}.2` for the DMX controller passed all bench tests. Thanks {who} "
    "for the late-night debugging. #rnd #firmware",
    "Sécurité : {n} jours sans accident sur le site de {site} 🎉 Continuons comme ça ! "
    "#securite #production",
    "Le plan de formation est ouvert : inscrivez-vous avant {day} prochain. Contact : "
    "{who}. Détails sur [le portail RH](https://rh.lumen.example/formation). #formation #rh",
    "We moved the weekly {dept} stand-up to **{day} 9:30** so that {site} can join. "
    "Calendar invites updated by {who}. #organisation",
    "Petite victoire logistique : les délais de livraison vers Montréal passent de {n} à "
    "{n2} jours grâce au travail de {who}. #logistique #supplychain",
    "Does anyone have a spare **calibrated lux meter** at {site}? {who} needs one for the "
    "customer audit on {day}. #entraide",
    "Retour en images sur le séminaire {dept} : merci à tous, et à {who} pour "
    "l'organisation ! #seminaire",
    "Astuce du jour : dans le tableau de bord ventes, filtrez par `region:EU` pour voir "
    "les commandes en cours. Merci {who} pour le tuto. #astuce #sales",
    "New hire onboarding checklist updated:\n\n"
    "* laptop and badge on day one\n* buddy assigned (thanks {who}!)\n"
    "* site tour of {site}\n\n#onboarding #hr",
    "Félicitations à {who} pour ses **{n} ans** chez Lumen ! 🎂 #anniversaire",
    "Le prototype de la lampe *Halo* a passé les tests CEM du premier coup. Équipe de "
    "choc : {who}, {other}. #rnd #innovation",
    "Reminder that expense reports for this month are due {day}. Questions → {who}. #finance",
    "Nous recrutons ! {n} postes ouverts en {dept} à {site}. Cooptation bienvenue, "
    "voir {who}. #recrutement",
    "Carbon footprint update: our {site} site cut energy use by **{n}%** this year. "
    "Thanks to {who} for the heat-recovery project. #rse #energie",
    "Coupure réseau prévue {day} de 12h à 13h à {site} (changement de switch). "
    "{who} reste joignable par téléphone. #it",
    "Merci {who} d'avoir animé l'atelier *feedback constructif* hier, très utile ! "
    "#management #formation",
    "Customer feedback of the week: « the new diffuser is **much** quieter ». Kudos "
    "to {who} and the {dept} team. #clients #bravo",
    "Inventaire annuel à {site} le {day} : merci de ne pas bouger les palettes marquées "
    "en rouge. Coordination : {who}. #logistique",
)

COMMENTS: tuple[str, ...] = (
    "Bravo ! 👏",
    "Super nouvelle, merci pour le partage.",
    "Great job everyone!",
    "Merci {who} 🙏",
    "Count me in.",
    "Je m'inscris !",
    "Well deserved, congrats!",
    "Est-ce que ça concerne aussi le site de {site} ?",
    "Thanks for the heads-up, I'll tell the team.",
    "+1, on en parle à la prochaine réunion avec {who}.",
    "Top ! Tu peux partager le support ?",
    "Nice, **finally** 🎉",
    "Je confirme, c'est beaucoup plus rapide maintenant.",
    "Could you add the link to the slides?",
    "Félicitations {who} !",
    "On peut en discuter {day} ?",
    "Hâte de voir ça en vrai.",
    "That's impressive, thanks {who}.",
    "Merci pour le rappel 👍",
    "I can help with that if needed.",
)

#: Group posts: (group key, template). Keys match :data:`GROUPS`.
GROUP_POSTS: tuple[tuple[str, str], ...] = (
    (
        "formation",
        "Session **Excel avancé** le {day} à {site}, {n} places. Inscriptions auprès de {who}.",
    ),
    ("formation", "New e-learning module on *cybersecurity basics* is live. #formation"),
    ("formation", "Retour d'expérience sur la formation management : très concret ! #formation"),
    ("codir", "Ordre du jour du CODIR de {day} :\n\n1. budget\n2. recrutements\n3. salon"),
    ("codir", "Projet de réorganisation de {site} : merci de relire avant {day}. {who}"),
    ("codir", "Q3 targets draft is in the shared folder, comments welcome by {day}."),
    ("running", "Sortie running {day} midi depuis le site de {site}, 8 km tranquille 🏃"),
    ("running", "Who's up for the Lyon half-marathon relay? We need {n} runners. #sport"),
)

#: Demo groups: key → (name, description, visibility).
GROUPS: dict[str, tuple[str, str, str]] = {
    "formation": ("Formation", "Sessions, e-learning et retours d'expérience.", "public"),
    "codir": ("Comité de direction", "Espace du comité de direction.", "private"),
    "running": ("Lumen Running Club", "Courir ensemble, sur tous les sites.", "public"),
    "orion": ("Projet Orion", "Confidential: the 2027 product launch. Members only.", "secret"),
}

#: Groups the communication team has marked official.
OFFICIAL_GROUPS = ("formation",)

#: (sender role or "manager", audience, title, body, days to expiry, hours until publication)
ANNOUNCEMENTS: tuple[tuple[str, dict, str, str, int, int], ...] = (
    (
        "community_manager",
        {"kind": "company"},
        "Nouvelle charte du réseau social / New community guidelines",
        "Merci de lire la **nouvelle charte** avant vendredi.\n\n"
        "Please read the **new community guidelines** before Friday.",
        7,
        0,
    ),
    (
        "manager",
        {"kind": "reports"},
        "Entretiens annuels : planning",
        "Les entretiens annuels commencent lundi. Réservez votre créneau dans l'agenda partagé.",
        10,
        0,
    ),
    (
        "community_manager",
        {"kind": "site", "value": "Lyon"},
        "Exercice d'évacuation jeudi 11h",
        "Un exercice d'évacuation aura lieu **jeudi à 11h** sur le site de Lyon.",
        3,
        20,
    ),
)

#: The company values kudos are given for: (name, emoji, description).
VALUES: tuple[tuple[str, str, str], ...] = (
    ("Expertise", "🎓", "Maîtrise technique et partage du savoir-faire"),
    ("Enthousiasme", "🔥", "L'énergie qui entraîne les autres"),
    ("Entraide", "🤝", "Un coup de main sans qu'on le demande"),
    ("Audace", "🚀", "Oser une idée nouvelle, et la porter"),
)

#: Kudos messages: (value, Markdown message).
KUDOS: tuple[tuple[str, str], ...] = (
    ("Entraide", "Merci pour ton aide sur le réglage de la ligne 2 samedi matin !"),
    ("Expertise", "Your analysis of the diffuser defects saved us **two weeks**. Thank you!"),
    ("Enthousiasme", "Toujours partant·e pour animer les lunch & learn, merci ☀️"),
    ("Audace", "Proposer le nouveau process d'emballage au client : bien joué 👏"),
    ("Entraide", "Thanks for covering my on-call shift at such short notice."),
    ("Expertise", "La formation optique était passionnante, merci pour le partage."),
    ("Enthousiasme", "The onboarding day you organised was a great success!"),
    ("Audace", "Merci d'avoir osé remettre à plat le planning fournisseurs."),
)
