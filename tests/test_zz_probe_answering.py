from tests.answering_support import *

def test_probe(app, client):
    link = answering_survey(app)
    r = Respondent(client, link)
    print(r.open().status_code)
    print(r.page[:3000])
    rep = r.send(PAGE_1)
    print(rep.status_code, r.path, rep.request.query_string, client.get_cookie(link.resume_cookie, path=link.url))
    rep = r.send(PAGE_2)
    print(rep.status_code, r.path, rep.request.query_string)
    rep = r.send(PAGE_3)
    print(rep.status_code, r.path)
    print(visible_text(r.page))
    r2 = Respondent(app.test_client(), link); r2.open()
    rep = r2.send({"age_group": "age_16_29"}, csrf_token="bogus")
    print(rep.status_code, visible_text(r2.page)[:500])
