//! The account pages with a cookie session: register, approval, sign in, reading a TCVN text,
//! and forms without their CSRF token refused.

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, spawn_app};
use crate::pdf_helpers::pdf_with_pages;

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

pub fn csrf_of(html: &str) -> String {
    let start = html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[start..].split('"').next().expect("value").to_string()
}

pub async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(format!("{}{path}", app.address)).send().await.expect("get");
    (response.status().as_u16(), response.text().await.expect("html"))
}

#[tokio::test]
async fn register_get_approved_sign_in_and_read_a_tcvn_text_with_a_cookie_session() {
    let app = spawn_app().await;
    let browser = browser();
    let (_, form) = get(&browser, &app, "/dang-ky").await;
    assert!(form.contains("Tỉnh Hà Tĩnh") && form.contains("Thành phố Hà Nội"), "the 34 provinces are offered");
    let fields = [
        ("csrf", csrf_of(&form)),
        ("full_name", "Trần Thị Bình".into()),
        ("email", "binh@camxuyen.vn".into()),
        ("province", "ha-tinh".into()),
        ("unit", "UBND xã Cẩm Xuyên".into()),
        ("role", "official".into()),
        ("username", "binh.tran".into()),
        ("password", "cán bộ xã Cẩm Xuyên 2026".into()),
    ];
    let response = browser.post(format!("{}/dang-ky", app.address)).form(&fields).send().await.expect("register");
    assert_eq!(response.status().as_u16(), 201);
    assert!(response.text().await.expect("html").contains("chờ tỉnh phê duyệt"));
    let province = token_for(account("pa.camxuyen").role("province_admin").insert(&app));
    let (_, listed) = app.call("GET", "/api/v1/users?status=pending", Some(&province), None).await;
    let id = listed["items"][0]["id"].as_i64().expect("the registration is listed for its province");
    assert_eq!(app.call("POST", &format!("/api/v1/users/{id}/approve"), Some(&province), None).await.0, 200);

    let admin = token_for(account("pages.admin2").role("admin").province(None).insert(&app));
    let (_, created) = crate::texts::upload(
        &app,
        &admin,
        "tcvn-5574-2018",
        "t.pdf",
        pdf_with_pages(&["Bê tông cốt thép - Yêu cầu thiết kế"]).to_vec(),
        None,
    )
    .await;
    let reader = format!("/tieu-chuan/tcvn-5574-2018/van-ban/{}", created["id"]);
    let (status, html) = get(&browser, &app, &reader).await;
    assert_eq!(status, 401);
    assert!(html.contains("Đăng nhập bằng tài khoản cán bộ để đọc miễn phí"));

    let (_, sign_in) = get(&browser, &app, "/dang-nhap?next=/tieu-chuan/tcvn-5574-2018").await;
    let fields = [
        ("csrf", csrf_of(&sign_in)),
        ("username", "binh.tran".into()),
        ("password", "cán bộ xã Cẩm Xuyên 2026".into()),
        ("next", "/tieu-chuan/tcvn-5574-2018".into()),
    ];
    let response = browser.post(format!("{}/dang-nhap", app.address)).form(&fields).send().await.expect("sign in");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/tieu-chuan/tcvn-5574-2018");
    let cookies: Vec<String> =
        response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("tc_access=") && c.contains("HttpOnly") && c.contains("SameSite=Lax")),
        "{cookies:?}"
    );
    let (status, page) = get(&browser, &app, "/tieu-chuan/tcvn-5574-2018").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(r#"href="{reader}""#)) && page.contains("Tải PDF"),
        "entitled now: read and download"
    );
    let (status, text) = get(&browser, &app, &reader).await;
    assert_eq!(status, 200);
    assert!(text.contains("Bê tông cốt thép"));
    let pdf = browser.get(format!("{}{reader}/pdf", app.address)).send().await.expect("pdf");
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let stamped = pdf_extract::extract_text_from_mem(&pdf.bytes().await.expect("bytes")).expect("reads");
    assert!(stamped.contains("Cấp cho: Trần Thị Bình – UBND xã Cẩm Xuyên – Tỉnh Hà Tĩnh"), "{stamped}");
    let (status, mine) = get(&browser, &app, "/tai-khoan").await;
    assert_eq!(status, 200);
    assert!(mine.contains("binh.tran") && mine.contains("TCVN 5574:2018"), "my reading history: {mine}");
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused() {
    let app = spawn_app().await;
    account("csrf.victim").insert(&app);
    let attacker = browser();
    let forged = [("username", "csrf.victim"), ("password", crate::accounts_helpers::PASSWORD), ("csrf", "")];
    let response = attacker.post(format!("{}/dang-nhap", app.address)).form(&forged).send().await.expect("post");
    assert_eq!(response.status().as_u16(), 403);
    assert!(
        response.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap_or("").starts_with("tc_access="))
    );
    let guessed = [
        ("username", "csrf.victim"),
        ("password", crate::accounts_helpers::PASSWORD),
        ("csrf", "guessed-token-guessed-token"),
    ];
    let (_, _) = get(&attacker, &app, "/dang-nhap").await;
    let response = attacker.post(format!("{}/dang-nhap", app.address)).form(&guessed).send().await.expect("post");
    assert_eq!(response.status().as_u16(), 403, "a token that is not this browser's cookie is refused");
    let response =
        attacker.post(format!("{}/dang-xuat", app.address)).form(&[("csrf", "x")]).send().await.expect("post");
    assert_eq!(response.status().as_u16(), 403);
    let response = attacker
        .post(format!("{}/dang-ky", app.address))
        .form(&[("csrf", ""), ("username", "x")])
        .send()
        .await
        .expect("post");
    assert!(response.status().is_client_error());
}

/// Records that an account read TCVN 5574:2018, as the reader would.
fn record_read(app: &TestApp, user_id: i64) {
    let mut conn = app.db.connect();
    let standard =
        tieuchuan::db::standards::find_by_slug(&mut conn, "tcvn-5574-2018").expect("query").expect("standard").id;
    let row = tieuchuan::db::users::find_by_id(&mut conn, user_id).expect("query").expect("user");
    let reader = tieuchuan::auth::Account::from_row(&row, chrono::Utc::now().naive_utc());
    tieuchuan::services::usage::record_access(
        &mut conn,
        &reader,
        standard,
        None,
        tieuchuan::domain::AccessAction::View,
        false,
    )
    .expect("record");
}

/// Signs a browser in through the sign-in page.
pub async fn sign_in(browser: &reqwest::Client, app: &TestApp, username: &str, password: &str) {
    let (_, form) = get(browser, app, "/dang-nhap").await;
    let fields =
        [("csrf", csrf_of(&form)), ("username", username.into()), ("password", password.into()), ("next", "/".into())];
    let response = browser.post(format!("{}/dang-nhap", app.address)).form(&fields).send().await.expect("sign in");
    assert_eq!(response.status().as_u16(), 303, "{username} signs in");
}

#[tokio::test]
async fn a_provincial_admin_approves_their_province_and_sees_its_reading() {
    use crate::accounts_helpers::PASSWORD;
    let app = spawn_app().await;
    let waiting = account("cho.duyet").status("pending").insert(&app);
    account("other.province").status("pending").province(Some("phu-tho")).insert(&app);
    account("pa.ht.page").role("province_admin").insert(&app);
    record_read(&app, account("reader.ht.page").insert(&app));
    let browser = browser();
    sign_in(&browser, &app, "pa.ht.page", PASSWORD).await;
    let (status, page) = get(&browser, &app, "/quan-tri/tinh").await;
    assert_eq!(status, 200);
    assert!(page.contains("Tỉnh Hà Tĩnh") && page.contains("cho.duyet") && !page.contains("other.province"), "{page}");
    assert!(page.contains("<svg role=\"img\""), "server-rendered charts");
    let csrf = csrf_of(&page);
    let forged = browser
        .post(format!("{}/quan-tri/tai-khoan/{waiting}/duyet", app.address))
        .form(&[("csrf", "nope")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403);
    let approved = browser
        .post(format!("{}/quan-tri/tai-khoan/{waiting}/duyet", app.address))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(approved.status().as_u16(), 303);
    let (_, after) = get(&browser, &app, "/quan-tri/tinh?xong=1").await;
    assert!(after.contains("Đã cập nhật."));
    assert_eq!(app.login("cho.duyet", PASSWORD).await.0, 200, "approved from the page");
    let csv = browser.get(format!("{}/quan-tri/tinh/bao-cao.csv", app.address)).send().await.expect("csv");
    assert!(csv.text().await.expect("text").starts_with("key,label,views,downloads,total"));

    account("pa.pt.page").role("province_admin").province(Some("phu-tho")).insert(&app);
    let other = crate::account_pages::browser();
    sign_in(&other, &app, "pa.pt.page", PASSWORD).await;
    let (status, _) = get(&other, &app, "/quan-tri/tinh?tinh=ha-tinh").await;
    assert_eq!(status, 403, "Phú Thọ cannot see Hà Tĩnh's accounts or reading");
}

#[tokio::test]
async fn an_admin_sees_the_dry_run_report_before_applying_an_import() {
    use crate::accounts_helpers::PASSWORD;
    let app = spawn_app().await;
    account("import.admin").role("admin").province(None).insert(&app);
    account("import.official").insert(&app);
    let official = browser();
    sign_in(&official, &app, "import.official", PASSWORD).await;
    assert_eq!(get(&official, &app, "/quan-tri/nhap").await.0, 403);

    let admin = browser();
    sign_in(&admin, &app, "import.admin", PASSWORD).await;
    let (status, form) = get(&admin, &app, "/quan-tri/nhap").await;
    assert_eq!(status, 200);
    let csv =
        "code,title_vi,replaces\nTCVN 3118:2030,Bê tông nặng - Xác định cường độ nén,TCVN 3118:2022\nnot a code,x,\n";
    let upload = reqwest::multipart::Form::new()
        .text("csrf", csrf_of(&form))
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("moi.csv"));
    let response = admin.post(format!("{}/quan-tri/nhap", app.address)).multipart(upload).send().await.expect("check");
    assert_eq!(response.status().as_u16(), 200);
    let preview = response.text().await.expect("html");
    assert!(preview.contains("Kết quả kiểm tra (chưa ghi gì)") && preview.contains("Dòng 3"), "{preview}");
    assert_eq!(app.get_standard("TCVN 3118:2030").await.0, 404, "the check writes nothing");
    let sha = preview
        .split(r#"name="sha256" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("sha")
        .to_string();
    let apply =
        [("csrf", csrf_of(&preview)), ("sha256", sha), ("format", "csv".into()), ("skip_invalid", "true".into())];
    let response =
        admin.post(format!("{}/quan-tri/nhap/ap-dung", app.address)).form(&apply).send().await.expect("apply");
    assert!(response.text().await.expect("html").contains("Đã nhập"));
    let (_, imported) = app.get_standard("TCVN 3118:2030").await;
    assert_eq!(imported["relations"]["replaces"][0]["code"], "TCVN 3118:2022");
    let (_, older) = app.get_standard("TCVN 3118:2022").await;
    assert_eq!(older["status"], "replaced");
}

#[tokio::test]
async fn the_ministry_sees_national_reading_and_changes_roles() {
    use crate::accounts_helpers::PASSWORD;
    let app = spawn_app().await;
    account("ministry").role("admin").province(None).insert(&app);
    let official = account("role.change").insert(&app);
    record_read(&app, official);
    let outsider = browser();
    sign_in(&outsider, &app, "role.change", PASSWORD).await;
    assert_eq!(get(&outsider, &app, "/quan-tri").await.0, 403);
    let admin = browser();
    sign_in(&admin, &app, "ministry", PASSWORD).await;
    let (status, page) = get(&admin, &app, "/quan-tri").await;
    assert_eq!(status, 200);
    assert!(page.contains("Lượt đọc theo tỉnh") && page.contains("<svg role=\"img\"") && page.contains("role.change"));
    assert!(page.contains(r#"href="/quan-tri/tinh?tinh=phu-tho""#), "every province's page is one click away");
    let form = [("csrf", csrf_of(&page)), ("role", "inspector".to_string())];
    let response = admin
        .post(format!("{}/quan-tri/tai-khoan/{official}/vai-tro", app.address))
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 303);
    let (_, user) = app
        .call("GET", &format!("/api/v1/users/{official}"), Some(&crate::accounts_helpers::token_for(official)), None)
        .await;
    assert_eq!(user["error"]["code"], "token_revoked", "the role change ends the old sessions");
    let mut conn = app.db.connect();
    let row = tieuchuan::db::users::find_by_id(&mut conn, official).expect("query").expect("user");
    assert_eq!(row.role, tieuchuan::domain::Role::Inspector);
}

#[tokio::test]
async fn an_admin_edits_a_standard_and_uploads_its_text_from_the_pages() {
    use crate::accounts_helpers::PASSWORD;
    let app = spawn_app().await;
    account("editor").role("admin").province(None).insert(&app);
    let admin = browser();
    sign_in(&admin, &app, "editor", PASSWORD).await;
    let (_, standard) = get(&admin, &app, "/tieu-chuan/tcvn-9362-2012").await;
    assert!(standard.contains(r#"href="/quan-tri/tieu-chuan/tcvn-9362-2012""#), "admins see the edit link");
    let (status, form) = get(&admin, &app, "/quan-tri/tieu-chuan/tcvn-9362-2012").await;
    assert_eq!(status, 200);
    let edit = [
        ("csrf", csrf_of(&form)),
        ("title_vi", "Nền nhà và công trình - Tiêu chuẩn thiết kế".to_string()),
        ("status", "in_force".to_string()),
        ("references", "TCVN 5574:2018\nTCVN 9999:2030".to_string()),
    ];
    let response = admin
        .post(format!("{}/quan-tri/tieu-chuan/tcvn-9362-2012", app.address))
        .form(&edit)
        .send()
        .await
        .expect("save");
    assert_eq!(response.status().as_u16(), 303);
    let (_, detail) = app.get_standard("TCVN 9362:2012").await;
    assert_eq!(
        (detail["title_vi"].as_str(), detail["status"].as_str()),
        (Some("Nền nhà và công trình - Tiêu chuẩn thiết kế"), Some("in_force"))
    );
    assert_eq!(detail["relations"]["references"].as_array().map(Vec::len), Some(2));
    assert_eq!(detail["version"], 2, "one edit, one new version");
    let bad = [("csrf", csrf_of(&form)), ("status", "valid".to_string())];
    let response = admin
        .post(format!("{}/quan-tri/tieu-chuan/tcvn-9362-2012", app.address))
        .form(&bad)
        .send()
        .await
        .expect("save");
    assert_eq!(response.status().as_u16(), 422);
    let upload = reqwest::multipart::Form::new()
        .text("csrf", csrf_of(&form))
        .text("access_level", "")
        .part("file", reqwest::multipart::Part::bytes("# Chương 1\nNền móng".as_bytes().to_vec()).file_name("t.md"));
    let response = admin
        .post(format!("{}/quan-tri/tieu-chuan/tcvn-9362-2012/van-ban", app.address))
        .multipart(upload)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status().as_u16(), 303);
    let (_, detail) = app.get_standard("TCVN 9362:2012").await;
    assert_eq!(detail["documents"][0]["access_level"], "registered");
}
