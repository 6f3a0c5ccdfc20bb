"""Invented patients for the referrals demo: names in each country's own script with a Latin form.

Given names and surnames are common ones, combined at random: no real person is meant.
"""

# country -> (agreement code, referring organisation code, languages, passport maker, [(given, latin, sex)],
#            [(surname, latin)])
MOU = {
    "TJ": ("MZ-TJ-2022", "tj-moh", ("tg", "ru"), lambda i: f"{400000000 + i * 7919 % 99999999:09d}",
           [("Далер", "Daler", "male"), ("Фарзона", "Farzona", "female"), ("Рустам", "Rustam", "male"),
            ("Мадина", "Madina", "female"), ("Ҷамшед", "Jamshed", "male"), ("Нигина", "Nigina", "female")],
           [("Шарифов", "Sharifov"), ("Раҳимова", "Rahimova"), ("Саидов", "Saidov"), ("Назарова", "Nazarova"),
            ("Қодиров", "Qodirov")]),
    "ZW": ("MZ-ZW-2021", "zw-mohcc", ("en",), lambda i: f"FN{100000 + i * 37 % 899999:06d}",
           [("Tendai", "Tendai", "male"), ("Rutendo", "Rutendo", "female"), ("Tatenda", "Tatenda", "male"),
            ("Nyasha", "Nyasha", "female"), ("Farai", "Farai", "male")],
           [("Moyo", "Moyo"), ("Ncube", "Ncube"), ("Dube", "Dube"), ("Chikwanha", "Chikwanha"),
            ("Mutasa", "Mutasa")]),
    "BH": ("MZ-BH-2023", "bh-moh", ("ar", "en"), lambda i: f"{2000000 + i * 613 % 7999999:07d}",
           [("محمد", "Mohammed", "male"), ("فاطمة", "Fatema", "female"), ("علي", "Ali", "male"),
            ("زينب", "Zainab", "female"), ("حسن", "Hasan", "male")],
           [("الحداد", "Al-Haddad"), ("العلوي", "Al-Alawi"), ("الموسوي", "Al-Moosawi"), ("الجودر", "Al-Jowder")]),
    "BD": ("MZ-BD-2024", "bd-mohfw", ("bn", "en"), lambda i: f"A{1000000 + i * 113 % 8999999:07d}",
           [("রহিম", "Rahim", "male"), ("নুসরাত", "Nusrat", "female"), ("তানভীর", "Tanvir", "male"),
            ("সাবরিনা", "Sabrina", "female"), ("আরিফ", "Arif", "male")],
           [("হোসেন", "Hossain"), ("ইসলাম", "Islam"), ("চৌধুরী", "Chowdhury"), ("আহমেদ", "Ahmed")]),
    "LY": ("MZ-LY-2021", "ly-moh", ("ar",), lambda i: f"N{1000000 + i * 271 % 8999999:07d}",
           [("أحمد", "Ahmed", "male"), ("مريم", "Maryam", "female"), ("عمر", "Omar", "male"),
            ("خديجة", "Khadija", "female"), ("سالم", "Salem", "male")],
           [("الورفلي", "Al-Warfalli"), ("المصراتي", "Al-Misrati"), ("الزوي", "Al-Zway"), ("بن علي", "Ben Ali")]),
    "SC": ("MZ-SC-2021", "sc-moh", ("en", "fr"), lambda i: f"A{100000 + i * 53 % 899999:06d}",
           [("Jean", "Jean", "male"), ("Marie", "Marie", "female"), ("Ryan", "Ryan", "male"),
            ("Sandra", "Sandra", "female")],
           [("Hoareau", "Hoareau"), ("Payet", "Payet"), ("Labrosse", "Labrosse"), ("Esparon", "Esparon")]),
}
# How often each country refers (Tajikistan and Libya most, the Seychelles least).
MOU_WEIGHTS = {"TJ": 5, "LY": 3, "BH": 2, "BD": 2, "ZW": 2, "SC": 1}

SHOUGANG = {
    "MN": ("SG-MN-KZ", "mn-ncc", ("mn", "ru"), lambda i: f"E{1000000 + i * 97 % 8999999:07d}",
           [("Батболд", "Batbold", "male"), ("Сарантуяа", "Sarantuya", "female"), ("Ганбаатар", "Ganbaatar", "male"),
            ("Оюунчимэг", "Oyuunchimeg", "female")],
           [("Дорж", "Dorj"), ("Бат-Эрдэнэ", "Bat-Erdene"), ("Цэрэн", "Tseren"), ("Гантулга", "Gantulga")]),
    "KZ": ("SG-MN-KZ", "kz-ncrc", ("kk", "ru"), lambda i: f"N{10000000 + i * 89 % 89999999:08d}",
           [("Айдар", "Aidar", "male"), ("Гүлнар", "Gulnar", "female"), ("Ерлан", "Yerlan", "male"),
            ("Әйгерім", "Aigerim", "female")],
           [("Сейткали", "Seitkali"), ("Абенов", "Abenov"), ("Жұмабаев", "Zhumabayev"), ("Нұрланова", "Nurlanova")]),
}

# specialty -> (diagnosis, ICD-10, treatment plan, expected stay in days, cost estimate in USD)
CASES = {
    "oncology": [("Carcinoma of the breast", "C50.9", "Surgery, then six cycles of chemotherapy", 10, 6500),
                 ("Carcinoma of the colon", "C18.7", "Laparoscopic resection and adjuvant chemotherapy", 12, 7200),
                 ("Carcinoma of the stomach", "C16.9", "Gastrectomy with lymph node dissection", 14, 8100),
                 ("Hepatocellular carcinoma", "C22.0", "Transarterial chemoembolisation", 7, 5400)],
    "urology": [("Calculus of kidney", "N20.0", "Percutaneous nephrolithotomy", 4, 1800),
                ("Benign prostatic hyperplasia", "N40", "Transurethral resection of the prostate", 5, 2200)],
    "gastroenterology": [("Chronic viral hepatitis C", "B18.2", "Assessment and antiviral treatment", 5, 1500),
                         ("Crohn's disease", "K50.9", "Endoscopic assessment and biologic therapy", 6, 2600)],
    "cardiology": [("Atherosclerotic heart disease", "I25.1", "Coronary angiography and stenting", 4, 3900),
                   ("Atrial fibrillation", "I48.9", "Electrophysiology study and ablation", 3, 4200)],
    "cardiac_surgery": [("Mitral valve stenosis", "I05.0", "Mitral valve replacement", 12, 9800),
                        ("Three-vessel coronary disease", "I25.1", "Coronary artery bypass grafting", 10, 9200)],
    "infertility": [("Female infertility of tubal origin", "N97.1", "In vitro fertilisation cycle", 14, 3500),
                    ("Male infertility", "N46", "ICSI cycle", 12, 3800)],
    "orthopaedics": [("Primary osteoarthritis of the hip", "M16.1", "Total hip replacement", 8, 5200),
                     ("Primary osteoarthritis of the knee", "M17.1", "Total knee replacement", 8, 5000)],
    "general_surgery": [("Cholelithiasis", "K80.2", "Laparoscopic cholecystectomy", 3, 1600),
                        ("Inguinal hernia", "K40.9", "Laparoscopic hernia repair", 2, 1300)],
    "internal_medicine": [("Type 2 diabetes with complications", "E11.7", "Assessment and treatment plan", 5, 900)],
    "ophthalmology": [("Senile cataract", "H25.9", "Phacoemulsification with lens implant", 2, 1200)],
    "obstetrics_gynaecology": [("Leiomyoma of uterus", "D25.9", "Laparoscopic myomectomy", 4, 2100)],
    "emergency_medicine": [("Multiple injuries", "T07", "Stabilisation and surgery", 6, 3000)],
}

DOCTORS = {"TJ": "Д-р Нозим Раҳимов", "ZW": "Dr. Chipo Mutasa", "BH": "د. ليلى الحداد", "BD": "ডা. কামরুল হাসান",
           "LY": "د. عبد الله الورفلي", "SC": "Dr. Marie-Claire Payet", "MN": "Д-р Энхтуяа Батсүх",
           "KZ": "Д-р Ғалым Исабеков"}
