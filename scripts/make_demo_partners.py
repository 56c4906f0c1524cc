"""Write the demo business-partner registry files (deterministic: same seed, same bytes).

    .venv/bin/python scripts/make_demo_partners.py

writes, under ``src/openctpat/partners/data/``:

- ``demo-partners-1000.xlsx``: 1,000 distinct partners in ten countries (suppliers and
  foreign manufacturers mostly, some carriers, consolidators, customs brokers and 3PLs), with
  the header row the importer recognises. It imports with no error and no duplicate.
- ``demo-partners-with-errors.csv``: twelve rows, four with a typical mistake (unknown
  country, no legal name, a 7-digit DUNS, a malformed email) and one duplicate of another
  row, to show the import's error report.

Names come from word lists per country (no network, no Faker). Every name is checked against
the names already made for its country with the importer's own rule (rapidfuzz ratio on the
folded name), every identifier is unique and well formed, and at the end both files are read
back and checked with ``importing.read_table``, ``clean_row`` and ``duplicates``.

``build_rows(count, seed)`` is also used by ``bench/bench_partners.py`` to grow a registry.
"""

import csv
import datetime
import io
import os
import random
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from anyascii import anyascii  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from openctpat.partners import importing  # noqa: E402
from openctpat.partners.names import name_key, tokens  # noqa: E402

DATA_DIR = ROOT / "src" / "openctpat" / "partners" / "data"
XLSX_PATH = DATA_DIR / "demo-partners-1000.xlsx"
CSV_PATH = DATA_DIR / "demo-partners-with-errors.csv"
SEED = 20250601
COUNT = 1000
# A margin under the importer's SIMILAR_NAME (92), so the file stays clean if it is lowered.
MAX_SIMILARITY = importing.SIMILAR_NAME - 4
FIXED_TIME = datetime.datetime(2025, 6, 1, 12, 0, 0)

HEADERS = [
    "Legal name",
    "Type",
    "Country",
    "Other names",
    "Address",
    "DUNS",
    "LEI",
    "Tax ID",
    "SCAC",
    "MID",
    "Services",
    "Start date",
    "Status",
    "Contact name",
    "Contact email",
    "Contact phone",
]
TYPE_LABELS = {
    "supplier": "Supplier",
    "foreign_manufacturer": "Foreign Manufacturer",
    "sea_carrier": "Sea Carrier",
    "air_carrier": "Air Carrier",
    "highway_carrier": "Highway Carrier",
    "mexican_lhc": "Mexican LHC",
    "rail_carrier": "Rail Carrier",
    "consolidator": "Consolidator",
    "customs_broker": "Customs Broker",
    "third_party_logistics": "Third-Party Logistics",
    "service_provider": "Service Provider",
    "agent": "Agent",
}
# What kind of name a partner type gets.
KIND = {
    "supplier": "mfg",
    "foreign_manufacturer": "mfg",
    "sea_carrier": "sea",
    "air_carrier": "air",
    "highway_carrier": "road",
    "mexican_lhc": "road",
    "rail_carrier": "rail",
    "consolidator": "forwarder",
    "agent": "forwarder",
    "customs_broker": "broker",
    "third_party_logistics": "3pl",
    "service_provider": "service",
}
SCAC_KINDS = {"sea", "road", "rail"}  # air carriers use IATA codes, not SCACs
# Services (models.SERVICES keys) per partner type: (always, sometimes).
SERVICES = {
    "supplier": (["manufacturing"], ["packing", "stuffing", "sealing", "storage"]),
    "foreign_manufacturer": (["manufacturing", "packing"], ["stuffing", "sealing", "storage"]),
    "sea_carrier": (["sea_transport"], ["documentation", "sealing"]),
    "air_carrier": (["air_transport"], ["documentation", "storage"]),
    "highway_carrier": (["highway_transport"], ["sealing", "storage"]),
    "mexican_lhc": (["highway_transport"], ["sealing", "documentation"]),
    "rail_carrier": (["rail_transport"], ["sealing"]),
    "consolidator": (
        ["consolidation", "freight_forwarding"],
        ["stuffing", "sealing", "documentation", "storage"],
    ),
    "agent": (["freight_forwarding"], ["documentation", "consolidation"]),
    "customs_broker": (["customs_brokerage"], ["documentation"]),
    "third_party_logistics": (
        ["storage"],
        ["consolidation", "stuffing", "packing", "highway_transport", "freight_forwarding"],
    ),
    "service_provider": ([], ["security_services", "it_services"]),
}
STATUSES = [("Active", 85), ("Prospect", 7), ("Suspended", 5), ("Terminated", 3)]
LEI_PREFIXES = ["5493", "2138", "5299", "9845", "3003", "8156", "2549", "6354"]


@dataclass(frozen=True)
class City:
    name: str
    native: str
    region: str
    postal: str
    area: str  # telephone area code
    code: str = ""  # tax-registration region code where the tax ID has one


@dataclass
class Country:
    code: str
    mix: dict[str, int]  # partner type -> how many of the 1,000
    cities: list[City]
    pools: dict[str, list]  # placeholder -> words, or (English, native) pairs
    names: dict[str, list[tuple[str, str]]]  # kind -> (English, native) name templates
    first: list[str]
    last: list[str]
    address: object  # (rng, city) -> str
    phone: object  # (rng, city) -> str
    tax_id: object  # (rng, city, name) -> str
    native_share: float = 0.0  # how often the native-script name is an other name
    family_first: bool = False  # "Zhang Wei" rather than "Wei Zhang"
    english_first: list[str] = field(default_factory=list)  # "Kevin Chen"


def words(text: str) -> list:
    """A word list from one string: "a, b, c"; "English=native" gives a pair."""
    items = [w.strip() for w in text.split(",") if w.strip()]
    return [tuple(w.split("=", 1)) if "=" in w else w for w in items]


def digits(rng, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def letters(rng, n: int, alphabet: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


# -- tax identifiers with their real check digits ---------------------------------------------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def cn_uscc(rng, city, _name) -> str:
    """China's 18-character unified social credit code (GB 32100-2015 check character)."""
    body = "91" + city.code + "MA5" + letters(rng, 6, USCC_CHARS[:10] + USCC_CHARS[10:])
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_CHARS[(31 - total % 31) % 31]


GST_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def in_gstin(rng, city, _name) -> str:
    """India's 15-character GSTIN: state, company PAN, entity, Z, mod-36 check character."""
    pan = letters(rng, 3) + "C" + letters(rng, 1) + digits(rng, 4) + letters(rng, 1)
    body = city.code + pan + "1Z"
    total = 0
    for i, c in enumerate(body):
        product = GST_CHARS.index(c) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return body + GST_CHARS[(36 - total % 36) % 36]


def co_nit(rng, _city, _name) -> str:
    """Colombia's NIT with its DIAN check digit."""
    number = "9" + digits(rng, 8)
    weights = [3, 7, 13, 17, 19, 23, 29, 37, 41]
    total = sum(int(d) * w for d, w in zip(reversed(number), weights, strict=True))
    rest = total % 11
    return f"{number}-{rest if rest < 2 else 11 - rest}"


def mx_rfc(rng, _city, name) -> str:
    """A company RFC: three letters of the name, the founding date, a three-character key."""
    words = [w for w in tokens(name) if len(w) > 1 and w not in {"de", "del", "la", "las", "los"}]
    initials = "".join(w[0] for w in words)[:3].upper().ljust(3, "X")
    founded = datetime.date(1985, 1, 1) + datetime.timedelta(days=rng.randrange(13000))
    return initials + founded.strftime("%y%m%d") + letters(rng, 2, GST_CHARS[1:]) + digits(rng, 1)


# -- word lists ---------------------------------------------------------------------------
VN_PARKS = {
    "Ho Chi Minh City": ["Tan Tao", "Tan Binh", "Vinh Loc", "Linh Trung"],
    "Thu Dau Mot": ["VSIP", "Song Than", "My Phuoc"],
    "Bien Hoa": ["Amata", "Bien Hoa II", "Loteco"],
    "Hanoi": ["Thang Long", "Quang Minh", "Noi Bai"],
    "Hai Phong": ["Dinh Vu", "Trang Due", "Nomura"],
    "Bac Ninh": ["Que Vo", "Yen Phong", "Tien Son"],
    "Da Nang": ["Hoa Khanh", "Lien Chieu", "Hoa Cam"],
    "Tan An": ["Long Hau", "Tan Duc", "Phuc Long"],
    "Nam Dinh": ["Hoa Xa", "My Trung", "Bao Minh"],
}
IN_AREAS = {
    "Tamil Nadu": ["SIPCOT Industrial Estate", "Avinashi Road", "Guindy Industrial Estate"],
    "Maharashtra": ["MIDC Industrial Area", "Andheri East", "Bhosari MIDC"],
    "Gujarat": ["GIDC Estate", "Sachin GIDC", "Naroda GIDC"],
    "Punjab": ["Focal Point", "Industrial Area-A"],
    "Haryana": ["Udyog Vihar Phase IV", "Sector 29 Industrial Area", "Sector 25"],
    "Uttar Pradesh": ["Sector 63", "Panki Industrial Area", "Delhi Road", "Sector 8"],
    "Karnataka": ["Peenya Industrial Area", "Bommasandra Industrial Area"],
    "Rajasthan": ["Sitapura Industrial Area", "VKI Area"],
    "West Bengal": ["Taratala Industrial Area", "Salt Lake Sector V"],
}
BD_AREAS = {
    "Dhaka": ["Tejgaon Industrial Area", "Mirpur", "Uttara Sector 7"],
    "Gazipur": ["Kashimpur", "Konabari", "BSCIC Industrial Estate"],
    "Narayanganj": ["Fatullah", "Kanchpur", "Adamjee EPZ"],
    "Savar": ["Dhaka EPZ", "Hemayetpur"],
    "Ashulia": ["Dhaka EPZ", "Zirabo", "Baipail"],
    "Chattogram": ["Chattogram EPZ", "Karnaphuli EPZ", "Kalurghat BSCIC"],
    "Tongi": ["Tongi Industrial Area", "Cherag Ali"],
}
CN = Country(
    code="CN",
    mix={
        "supplier": 112,
        "foreign_manufacturer": 90,
        "sea_carrier": 6,
        "air_carrier": 4,
        "consolidator": 18,
        "third_party_logistics": 10,
    },
    cities=[
        City("Shenzhen", "深圳", "Guangdong", "518000", "755", "440300"),
        City("Dongguan", "东莞", "Guangdong", "523000", "769", "441900"),
        City("Guangzhou", "广州", "Guangdong", "510000", "20", "440100"),
        City("Foshan", "佛山", "Guangdong", "528000", "757", "440600"),
        City("Zhongshan", "中山", "Guangdong", "528400", "760", "442000"),
        City("Huizhou", "惠州", "Guangdong", "516000", "752", "441300"),
        City("Shantou", "汕头", "Guangdong", "515000", "754", "440500"),
        City("Ningbo", "宁波", "Zhejiang", "315000", "574", "330200"),
        City("Yiwu", "义乌", "Zhejiang", "322000", "579", "330782"),
        City("Wenzhou", "温州", "Zhejiang", "325000", "577", "330300"),
        City("Hangzhou", "杭州", "Zhejiang", "310000", "571", "330100"),
        City("Xiamen", "厦门", "Fujian", "361000", "592", "350200"),
        City("Quanzhou", "泉州", "Fujian", "362000", "595", "350500"),
        City("Suzhou", "苏州", "Jiangsu", "215000", "512", "320500"),
        City("Wuxi", "无锡", "Jiangsu", "214000", "510", "320200"),
        City("Changzhou", "常州", "Jiangsu", "213000", "519", "320400"),
        City("Qingdao", "青岛", "Shandong", "266000", "532", "370200"),
        City("Shanghai", "上海", "Shanghai", "200000", "21", "310115"),
        City("Tianjin", "天津", "Tianjin", "300000", "22", "120116"),
    ],
    pools={
        "brand": words(
            "Huaxing=华兴, Hengtai=恒泰, Jinlong=金龙, Xinda=信达, Tianyu=天宇, "
            "Hongda=宏达, Mingyang=明阳, Ruifeng=瑞丰, Yongsheng=永盛, Dongsheng=东升, "
            "Jiahe=嘉禾, Kaida=凯达, Lianfa=联发, Meijia=美佳, Runtai=润泰, Shengda=盛达, "
            "Taifeng=泰丰, Weixin=伟信, Xinyuan=鑫源, Yida=益达, Zhongtian=中天, "
            "Haoyu=浩宇, Baoli=宝利, Guanghui=光辉, Huamei=华美, Jiaxin=佳鑫, Fuxing=富兴, "
            "Deli=德利, Changxing=长兴, Hongxin=鸿信, Jintai=金泰, Wanfeng=万丰, "
            "Xingye=兴业, Yuanda=远大, Zhenghe=正和, Anda=安达, Boyuan=博远, Sanhe=三和, "
            "Rongxin=荣鑫, Senda=森达, Tongda=通达, Xiangyu=翔宇, Yinhe=银河, "
            "Qiaosheng=桥盛, Lixin=立信, Pengcheng=鹏程, Kangtai=康泰, Shunfa=顺发"
        ),
        "ind": words(
            "Precision Electronics=精密电子, Electronic Technology=电子科技, Textile=纺织, "
            "Garment=服装, Plastic Products=塑料制品, Hardware Products=五金制品, "
            "Furniture=家具, Toys=玩具, Lighting=照明, Machinery=机械, Ceramics=陶瓷, "
            "Household Products=家居用品, Auto Parts=汽车配件, Luggage=箱包, "
            "Footwear=鞋业, Packaging=包装, Printing=印刷, Metal Products=金属制品, "
            "Sporting Goods=体育用品, Optical=光学, Wire and Cable=电线电缆, Battery=电池, "
            "Paper Products=纸制品, Glassware=玻璃制品, Rubber Products=橡胶制品, "
            "Knitting=针织, Home Textiles=家纺, Kitchenware=厨具, Pet Products=宠物用品, "
            "Crafts=工艺品, Bicycle=自行车, Stationery=文具"
        ),
        "street": words(
            "Huancheng, Gongye, Jianshe, Renmin, Xingye, Chuangye, Keji, Binhai, Jinqiao, "
            "Changjiang"
        ),
        "zone": [
            "Industrial Park",
            "Economic Development Zone",
            "Hi-Tech Zone",
            "Free Trade Zone",
            "Industrial Zone",
        ],
    },
    names={
        "mfg": [("{city} {brand} {ind} Co., Ltd.", "{city}{brand}{ind}有限公司")] * 6
        + [("{brand} {ind} ({city}) Co., Ltd.", "{brand}{ind}（{city}）有限公司")],
        "sea": [
            ("{brand} Shipping Co., Ltd.", "{brand}航运有限公司"),
            ("{city} {brand} Container Lines Co., Ltd.", "{city}{brand}集装箱航运有限公司"),
        ],
        "air": [
            ("{brand} Air Cargo Co., Ltd.", "{brand}航空货运有限公司"),
            ("{city} {brand} Airlines Co., Ltd.", "{city}{brand}航空有限公司"),
        ],
        "forwarder": [
            (
                "{city} {brand} International Freight Forwarding Co., Ltd.",
                "{city}{brand}国际货运代理有限公司",
            ),
            ("{city} {brand} International Logistics Co., Ltd.", "{city}{brand}国际物流有限公司"),
        ],
        "3pl": [
            (
                "{city} {brand} Supply Chain Management Co., Ltd.",
                "{city}{brand}供应链管理有限公司",
            ),
            ("{city} {brand} Warehousing Co., Ltd.", "{city}{brand}仓储有限公司"),
        ],
    },
    first=words(
        "Wei, Fang, Min, Jing, Lei, Jun, Yan, Hui, Qiang, Ling, Xiaoming, Xiaohong, "
        "Jian, Hong, Yong, Ping, Na, Tao, Hao, Yu"
    ),
    last=words(
        "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, "
        "Hu, Guo, He, Lin, Luo, Gao"
    ),
    english_first=words(
        "Kevin, Lily, Jack, Cherry, Tony, Amy, Jason, Coco, Eric, Sunny, Vivian, Leo, "
        "Grace, Frank, Helen, Peter"
    ),
    family_first=True,
    address=lambda rng, c: (
        f"No. {rng.randint(1, 388)}, {rng.choice(CN.pools['street'])} Road, "
        f"{rng.choice(CN.pools['zone'])}, {c.name}, {c.region} {c.postal}"
    ),
    phone=lambda rng, c: f"+86 {c.area} {digits(rng, 4)} {digits(rng, 4)}",
    tax_id=cn_uscc,
    native_share=0.85,
)

VN = Country(
    code="VN",
    mix={
        "supplier": 45,
        "foreign_manufacturer": 40,
        "consolidator": 6,
        "third_party_logistics": 4,
    },
    cities=[
        City("Ho Chi Minh City", "Thành phố Hồ Chí Minh", "", "700000", "28", "03"),
        City("Thu Dau Mot", "Thủ Dầu Một", "Binh Duong Province", "820000", "274", "37"),
        City("Bien Hoa", "Biên Hòa", "Dong Nai Province", "810000", "251", "36"),
        City("Hanoi", "Hà Nội", "", "100000", "24", "01"),
        City("Hai Phong", "Hải Phòng", "", "180000", "225", "02"),
        City("Bac Ninh", "Bắc Ninh", "Bac Ninh Province", "790000", "222", "23"),
        City("Da Nang", "Đà Nẵng", "", "550000", "236", "04"),
        City("Tan An", "Tân An", "Long An Province", "850000", "272", "11"),
        City("Nam Dinh", "Nam Định", "Nam Dinh Province", "420000", "228", "06"),
    ],
    pools={
        "brand": words(
            "Viet Thanh=Việt Thành, Phu Gia=Phú Gia, Thanh Cong=Thành Công, "
            "Minh Phat=Minh Phát, Hoa Binh=Hòa Bình, Tan Phu=Tân Phú, An Phat=An Phát, "
            "Hung Thinh=Hưng Thịnh, Phuoc Long=Phước Long, Nam Viet=Nam Việt, "
            "Dai Phat=Đại Phát, Sao Mai=Sao Mai, Kim Long=Kim Long, Truong Son=Trường Sơn, "
            "Hong Phuc=Hồng Phúc, Thien Phu=Thiên Phú, Binh Minh=Bình Minh, "
            "Duc Thanh=Đức Thành, Gia Bao=Gia Bảo, Hai Nam=Hải Nam, Hoang Long=Hoàng Long, "
            "Khanh Hung=Khánh Hưng, Lien Phat=Liên Phát, Ngoc Anh=Ngọc Anh, "
            "Phat Dat=Phát Đạt, Quang Vinh=Quang Vinh, Tien Phong=Tiên Phong, "
            "Trung Kien=Trung Kiên, Vinh Hung=Vĩnh Hưng, Xuan Mai=Xuân Mai, "
            "Thai Son=Thái Sơn, Bao Tin=Bảo Tín, Dong A=Đông Á"
        ),
        "ind": words(
            "Garment=May mặc, Textile=Dệt may, Furniture=Nội thất, "
            "Wood Processing=Chế biến gỗ, Footwear=Giày da, "
            "Seafood Processing=Chế biến thủy sản, Coffee=Cà phê, Plastics=Nhựa, "
            "Packaging=Bao bì, Electronics=Điện tử, Handicraft=Thủ công mỹ nghệ, "
            "Ceramics=Gốm sứ, Bags=Túi xách, Knitwear=Dệt kim, Rubber=Cao su, "
            "Cashew=Hạt điều"
        ),
        "street": words(
            "Nguyen Van Linh, Le Duan, Tran Hung Dao, Hai Ba Trung, Ly Thuong Kiet, "
            "Pham Van Dong, Vo Van Kiet, Quang Trung"
        ),
    },
    names={
        "mfg": [
            ("{brand} {ind} Company Limited", "Công ty TNHH {ind} {brand}"),
            ("{brand} {ind} Co., Ltd.", "Công ty TNHH {ind} {brand}"),
            ("{brand} {ind} Joint Stock Company", "Công ty Cổ phần {ind} {brand}"),
        ],
        "forwarder": [
            ("{brand} Shipping and Forwarding JSC", "Công ty Cổ phần Giao nhận Vận tải {brand}"),
            ("{brand} Global Logistics Co., Ltd.", "Công ty TNHH Logistics Toàn cầu {brand}"),
        ],
        "3pl": [
            ("{brand} Logistics Services Co., Ltd.", "Công ty TNHH Dịch vụ Logistics {brand}"),
            ("{brand} Warehouse JSC", "Công ty Cổ phần Kho vận {brand}"),
        ],
    },
    first=words(
        "Van Minh, Thi Lan, Thi Hoa, Van Hung, Duc Anh, Thanh Tung, Ngoc Linh, "
        "Quoc Bao, Thi Mai, Minh Tuan, Hong Nhung, Van Long, Thu Trang, Hai Yen"
    ),
    last=words("Nguyen, Tran, Le, Pham, Hoang, Phan, Vu, Dang, Bui, Do, Ngo, Duong"),
    family_first=True,
    address=lambda rng, c: (
        rng.choice(
            [
                f"{rng.randint(2, 420)} {rng.choice(VN.pools['street'])} Street, "
                f"Ward {rng.randint(1, 15)}, {c.name}",
                f"Lot {letters(rng, 1, 'ABCDEFGH')}{rng.randint(1, 40)}, "
                f"{rng.choice(VN_PARKS[c.name])} Industrial Park, {c.name}",
            ]
        )
        + (f", {c.region}" if c.region else "")
    ),
    phone=lambda rng, c: f"+84 {c.area} {digits(rng, 4)} {digits(rng, 3)}",
    tax_id=lambda rng, c, _n: c.code + digits(rng, 8),
    native_share=0.6,
)

MX_SURNAMES = words(
    "Garza, Treviño, Hernández, Rodríguez, Villarreal, Martínez, González, López, "
    "Ramírez, Sánchez, Cantú, Elizondo, Salinas, Guerra, Zambrano, Montemayor, "
    "Ochoa, Delgado, Orozco, Ibarra, Navarro, Medina, Castillo, Aguilar, Fuentes, "
    "Sepúlveda, Cavazos, Quiroga"
)
MX = Country(
    code="MX",
    mix={
        "foreign_manufacturer": 38,
        "supplier": 32,
        "mexican_lhc": 15,
        "highway_carrier": 15,
        "customs_broker": 12,
        "third_party_logistics": 8,
    },
    cities=[
        City("Monterrey", "", "N.L.", "64000", "81"),
        City("Guadalajara", "", "Jal.", "44100", "33"),
        City("Tijuana", "", "B.C.", "22000", "664"),
        City("Ciudad Juárez", "", "Chih.", "32000", "656"),
        City("Querétaro", "", "Qro.", "76000", "442"),
        City("Saltillo", "", "Coah.", "25000", "844"),
        City("Puebla", "", "Pue.", "72000", "222"),
        City("León", "", "Gto.", "37000", "477"),
        City("San Luis Potosí", "", "S.L.P.", "78000", "444"),
        City("Nuevo Laredo", "", "Tamps.", "88000", "867"),
        City("Reynosa", "", "Tamps.", "88500", "899"),
        City("Hermosillo", "", "Son.", "83000", "662"),
        City("Aguascalientes", "", "Ags.", "20000", "449"),
        City("Ciudad de México", "", "CDMX", "06600", "55"),
        City("Chihuahua", "", "Chih.", "31000", "614"),
    ],
    pools={
        "head": words(
            "Industrias, Manufacturas, Componentes Automotrices, Plásticos, Empaques, "
            "Textiles, Confecciones, Muebles, Herramientas, Productos Metálicos, "
            "Ensambles Electrónicos, Alimentos, Cerámica, Vidrio, Calzado, Arneses, "
            "Troqueles, Fundiciones"
        ),
        "region": words(
            "del Norte, del Bajío, del Pacífico, de Occidente, del Golfo, de la Laguna, "
            "del Centro, de Jalisco, de Monterrey, de Juárez, de Tijuana, de Querétaro, "
            "de Puebla, de Sonora, de Chihuahua, de Coahuila, del Sureste, Potosinos, "
            "Regiomontanos, de Anáhuac"
        ),
        "sur": MX_SURNAMES,
        "sur2": MX_SURNAMES,
        "form": ["S.A. de C.V.", "S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V."],
        "street": words(
            "Av. Industrial, Blvd. Díaz Ordaz, Calle Río Bravo, Av. Constitución, "
            "Av. Revolución, Av. Ruiz Cortines, Blvd. Independencia, Calle Acero, "
            "Av. de las Industrias, Calle Hierro"
        ),
        "colonia": words(
            "Centro, Industrial, Parque Industrial Norte, Obrera, Las Américas, "
            "San Nicolás, Moderna, Del Valle, Parque Industrial Santa María"
        ),
    },
    names={
        "mfg": [
            ("{head} {region}, {form}", ""),
            ("{head} {region}, {form}", ""),
            ("{head} {sur}, {form}", ""),
            ("Grupo Industrial {sur} {region}, {form}", ""),
            ("Maquiladora {sur} {region}, {form}", ""),
        ],
        "road": [
            ("Autotransportes {sur} {region}, {form}", ""),
            ("Transportes {sur} Hermanos, {form}", ""),
            ("Fletes y Transportes {sur}, {form}", ""),
            ("Transportes Refrigerados {region}, {form}", ""),
            ("Autolíneas {sur} y {sur2}, {form}", ""),
        ],
        "broker": [
            ("Agencia Aduanal {sur} y Asociados, S.C.", ""),
            ("{sur} {sur2} Agentes Aduanales, S.C.", ""),
            ("Despacho Aduanal {sur} {region}, S.C.", ""),
        ],
        "3pl": [
            ("Logística Integral {region}, {form}", ""),
            ("Almacenes y Logística {sur}, {form}", ""),
            ("Centro Logístico {region}, {form}", ""),
        ],
    },
    first=words(
        "José, Juan, Luis, Carlos, Jorge, Miguel, María, Ana, Laura, Patricia, "
        "Alejandra, Fernanda, Ricardo, Eduardo, Gabriela, Sofía, Daniela, Francisco, "
        "Héctor, Adriana, Rodrigo, Verónica"
    ),
    last=MX_SURNAMES,
    address=lambda rng, c: (
        f"{rng.choice(MX.pools['street'])} {rng.randint(100, 4999)}, "
        f"Col. {rng.choice(MX.pools['colonia'])}, C.P. {c.postal}, {c.name}, {c.region}"
    ),
    phone=lambda rng, c: f"+52 {c.area} {digits(rng, 10 - len(c.area))}",
    tax_id=mx_rfc,
)

IN = Country(
    code="IN",
    mix={
        "supplier": 45,
        "foreign_manufacturer": 38,
        "consolidator": 6,
        "third_party_logistics": 4,
        "air_carrier": 2,
    },
    cities=[
        City("Tiruppur", "", "Tamil Nadu", "641601", "421", "33"),
        City("Ludhiana", "", "Punjab", "141001", "161", "03"),
        City("Mumbai", "", "Maharashtra", "400001", "22", "27"),
        City("Surat", "", "Gujarat", "395003", "261", "24"),
        City("Jaipur", "", "Rajasthan", "302001", "141", "08"),
        City("Panipat", "", "Haryana", "132103", "180", "06"),
        City("Kanpur", "", "Uttar Pradesh", "208001", "512", "09"),
        City("Moradabad", "", "Uttar Pradesh", "244001", "591", "09"),
        City("Chennai", "", "Tamil Nadu", "600001", "44", "33"),
        City("Bengaluru", "", "Karnataka", "560001", "80", "29"),
        City("Noida", "", "Uttar Pradesh", "201301", "120", "09"),
        City("Gurugram", "", "Haryana", "122001", "124", "06"),
        City("Ahmedabad", "", "Gujarat", "380001", "79", "24"),
        City("Pune", "", "Maharashtra", "411001", "20", "27"),
        City("Kolkata", "", "West Bengal", "700001", "33", "19"),
        City("Karur", "", "Tamil Nadu", "639001", "4324", "33"),
    ],
    pools={
        "brand": words(
            "Sharma, Agarwal, Gupta, Mehta, Patel, Shah, Reddy, Iyer, Kapoor, Malhotra, "
            "Bansal, Jain, Singhania, Shree Ganesh, Shri Balaji, Sai Krishna, Om Sai, "
            "Laxmi, Saraswati, Mahalaxmi, Vardhman, Rajshree, Ambica, Sunrise, Bharat, "
            "Hindustan, Indo, Royal, Supreme, Everest, Kaveri, Narmada, Ganga, Deccan, "
            "Coromandel, Malabar, Chola, Vijay, Aravali, Shivam"
        ),
        "ind": words(
            "Textiles, Exports, Knitwear, Garments, Apparels, Leather Works, Handicrafts, "
            "Engineering, Forgings, Castings, Polymers, Home Furnishings, Carpets, "
            "Chemicals, Auto Components, Steel Industries, Fabrics, Spinning Mills, "
            "Granites, Jewellery, Brassware, Overseas, Impex, Packaging, Fasteners, "
            "Rice Mills"
        ),
        "form": ["Pvt. Ltd.", "Pvt. Ltd.", "Private Limited", "Ltd.", "LLP"],
    },
    names={
        "mfg": [("{brand} {ind} {form}", "")] * 3 + [("{city} {brand} {ind} {form}", "")],
        "forwarder": [
            ("{brand} Shipping and Logistics {form}", ""),
            ("{brand} Freight Carriers {form}", ""),
            ("{brand} Cargo Movers {form}", ""),
        ],
        "3pl": [
            ("{brand} Warehousing and Logistics {form}", ""),
            ("{brand} Supply Chain {form}", ""),
        ],
        "air": [("{brand} Air Cargo Ltd.", ""), ("{brand} Aviation Cargo Services Ltd.", "")],
    },
    first=words(
        "Rajesh, Suresh, Anil, Priya, Neha, Amit, Vikram, Sunita, Deepak, Kavita, "
        "Arun, Pooja, Rahul, Sanjay, Meena, Karthik, Lakshmi, Ramesh, Anjali, Manoj"
    ),
    last=words(
        "Sharma, Kumar, Gupta, Patel, Reddy, Iyer, Nair, Singh, Mehta, Shah, Agarwal, "
        "Joshi, Rao, Pillai, Verma"
    ),
    address=lambda rng, c: (
        f"Plot No. {rng.randint(1, 250)}, {rng.choice(IN_AREAS[c.region])}, {c.name}, "
        f"{c.region} {c.postal}"
    ),
    phone=lambda rng, c: f"+91 {c.area} {digits(rng, 10 - len(c.area))}",
    tax_id=in_gstin,
)

DE_SURNAMES = words(
    "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, "
    "Hoffmann, Koch, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Braun, "
    "Zimmermann, Krüger, Hartmann, Lange, Werner, Krause, Lehmann, Köhler, Huber, "
    "Kaiser, Fuchs, Vogel, Brandt, Haas, Sommer, Graf, Berger, Albrecht"
)
DE = Country(
    code="DE",
    mix={
        "supplier": 30,
        "foreign_manufacturer": 18,
        "sea_carrier": 4,
        "air_carrier": 2,
        "third_party_logistics": 4,
        "consolidator": 2,
    },
    cities=[
        City("Hamburg", "", "", "20095", "40"),
        City("Bremen", "", "", "28195", "421"),
        City("Stuttgart", "", "", "70173", "711"),
        City("München", "", "", "80331", "89"),
        City("Frankfurt am Main", "", "", "60311", "69"),
        City("Köln", "", "", "50667", "221"),
        City("Düsseldorf", "", "", "40213", "211"),
        City("Nürnberg", "", "", "90402", "911"),
        City("Hannover", "", "", "30159", "511"),
        City("Dortmund", "", "", "44135", "231"),
        City("Bielefeld", "", "", "33602", "521"),
        City("Augsburg", "", "", "86150", "821"),
        City("Mannheim", "", "", "68159", "621"),
        City("Leipzig", "", "", "04109", "341"),
        City("Pforzheim", "", "", "75172", "7231"),
        City("Solingen", "", "", "42651", "212"),
        City("Ulm", "", "", "89073", "731"),
    ],
    pools={
        "sur": DE_SURNAMES,
        "sur2": DE_SURNAMES,
        "ind": words(
            "Maschinenbau, Kunststofftechnik, Metallwaren, Präzisionsteile, "
            "Elektrotechnik, Feinmechanik, Verpackungen, Werkzeugbau, Antriebstechnik, "
            "Textilwerke, Möbelwerke, Glaswerke, Armaturen, Stahlbau, Automobiltechnik, "
            "Medizintechnik, Optik, Druckguss, Federnwerk, Sensorik, Schneidwaren, "
            "Haushaltswaren"
        ),
        "form": ["GmbH", "GmbH", "GmbH & Co. KG", "AG"],
        "port": words("Hanseatische, Norddeutsche, Elbe, Weser, Nordsee, Ostsee"),
        "street": words(
            "Industriestraße, Hauptstraße, Gewerbering, Am Hafen, Bahnhofstraße, "
            "Daimlerstraße, Robert-Bosch-Straße, Carl-Zeiss-Straße, Siemensstraße, "
            "Im Gewerbepark, Hafenstraße, Werkstraße"
        ),
    },
    names={
        "mfg": [
            ("{sur} {ind} {form}", ""),
            ("{sur} {ind} {form}", ""),
            ("{sur} & {sur2} {ind} {form}", ""),
            ("{cityadj} {ind} {form}", ""),
        ],
        "sea": [
            ("{port} Reederei {sur} GmbH & Co. KG", ""),
            ("{sur} Container Linie GmbH", ""),
        ],
        "air": [("{sur} Air Cargo GmbH", ""), ("{port} Frachtflug GmbH", "")],
        "forwarder": [
            ("{sur} Internationale Spedition {form}", ""),
            ("Spedition {sur} {form}", ""),
        ],
        "3pl": [("{sur} Kontraktlogistik {form}", ""), ("{sur} Lagerlogistik {form}", "")],
    },
    first=words(
        "Thomas, Michael, Andreas, Stefan, Sabine, Claudia, Katrin, Jürgen, Frank, "
        "Petra, Julia, Markus, Anna, Tobias, Christina, Matthias"
    ),
    last=DE_SURNAMES,
    address=lambda rng, c: (
        f"{rng.choice(DE.pools['street'])} {rng.randint(1, 180)}, {c.postal} {c.name}"
    ),
    phone=lambda rng, c: f"+49 {c.area} {digits(rng, 11 - len(c.area))}",
    tax_id=lambda rng, _c, _n: "DE" + digits(rng, 9),
)

TR = Country(
    code="TR",
    mix={
        "supplier": 30,
        "foreign_manufacturer": 24,
        "highway_carrier": 3,
        "third_party_logistics": 3,
    },
    cities=[
        City("İstanbul", "", "", "34000", "212"),
        City("Bursa", "", "", "16000", "224"),
        City("İzmir", "", "", "35000", "232"),
        City("Denizli", "", "", "20000", "258"),
        City("Gaziantep", "", "", "27000", "342"),
        City("Kayseri", "", "", "38000", "352"),
        City("Ankara", "", "", "06000", "312"),
        City("Kocaeli", "", "", "41000", "262"),
        City("Tekirdağ", "", "", "59000", "282"),
        City("Konya", "", "", "42000", "332"),
        City("Uşak", "", "", "64000", "276"),
        City("Kahramanmaraş", "", "", "46000", "344"),
    ],
    pools={
        "brand": words(
            "Anadolu, Ege, Marmara, Akdeniz, Karadeniz, Yıldız, Doğan, Özkan, Aydın, Kaya, "
            "Demir, Çelik, Şahin, Yılmaz, Erdem, Güneş, Kartal, Toros, Uludağ, Boğaziçi, "
            "Efes, Mavi, Altın, Bereket, Kuzey, Akın, Başak, Ergün, Tuna, Sezer"
        ),
        "ind": words(
            "Tekstil, Örme, Konfeksiyon, Deri, Halı, Mobilya, Plastik, Ambalaj, Makina, "
            "Otomotiv, Metal, Döküm, Cam, Seramik, Kimya, Elektrik, İplik, Hazır Giyim, "
            "Ev Tekstili, Boya"
        ),
        "form": ["Sanayi ve Ticaret A.Ş.", "San. ve Tic. Ltd. Şti.", "Sanayi A.Ş."],
        "street": words(
            "Atatürk, Cumhuriyet, İnönü, Mimar Sinan, Sanayi, Gazi, Fatih Sultan Mehmet, 100. Yıl"
        ),
    },
    names={
        "mfg": [("{brand} {ind} {form}", "")] * 3 + [("{city} {brand} {ind} {form}", "")],
        "road": [
            ("{brand} Uluslararası Nakliyat ve Ticaret A.Ş.", ""),
            ("{brand} Lojistik ve Taşımacılık Ltd. Şti.", ""),
        ],
        "3pl": [
            ("{brand} Lojistik Hizmetleri A.Ş.", ""),
            ("{brand} Depolama ve Lojistik A.Ş.", ""),
        ],
    },
    first=words(
        "Mehmet, Ahmet, Mustafa, Ayşe, Fatma, Emine, Ali, Hüseyin, Zeynep, Elif, "
        "Murat, Burak, Selin, Can, Deniz, Hakan"
    ),
    last=words(
        "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, "
        "Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Kurt"
    ),
    address=lambda rng, c: (
        f"{c.name} Organize Sanayi Bölgesi, {rng.choice(TR.pools['street'])} Cad. "
        f"No: {rng.randint(1, 120)}, {c.postal} {c.name}"
    ),
    phone=lambda rng, c: f"+90 {c.area} {digits(rng, 3)} {digits(rng, 2)} {digits(rng, 2)}",
    tax_id=lambda rng, _c, _n: digits(rng, 10),
)

CO_SURNAMES = words(
    "Restrepo, Uribe, Gómez, Ospina, Londoño, Arango, Jaramillo, Mejía, Echeverri, "
    "Vélez, Cárdenas, Rojas, Vargas, Castaño, Zapata, Henao, Betancur, Salazar"
)
CO = Country(
    code="CO",
    mix={
        "supplier": 22,
        "foreign_manufacturer": 18,
        "air_carrier": 3,
        "third_party_logistics": 3,
        "customs_broker": 2,
        "consolidator": 2,
    },
    cities=[
        City("Bogotá", "", "Cundinamarca", "110111", "601"),
        City("Medellín", "", "Antioquia", "050001", "604"),
        City("Cali", "", "Valle del Cauca", "760001", "602"),
        City("Barranquilla", "", "Atlántico", "080001", "605"),
        City("Cartagena", "", "Bolívar", "130001", "605"),
        City("Bucaramanga", "", "Santander", "680001", "607"),
        City("Pereira", "", "Risaralda", "660001", "606"),
        City("Rionegro", "", "Antioquia", "054040", "604"),
        City("Manizales", "", "Caldas", "170001", "606"),
    ],
    pools={
        "head": words(
            "Flores, Confecciones, Textiles, Café, Industrias, Calzado, Cueros, Plásticos, "
            "Empaques, Frutas, Manufacturas, Alimentos, Comercializadora, Cacao, "
            "Artesanías"
        ),
        "region": words(
            "Andina, del Valle, de la Sabana, de Antioquia, del Caribe, del Pacífico, "
            "Santandereana, del Tolima, Caldense, del Quindío, Boyacense, del Huila, "
            "del Cauca, de Oriente, La Esperanza, El Rosal, San Rafael, Montebello"
        ),
        "sur": CO_SURNAMES,
        "form": ["S.A.S.", "S.A.S.", "S.A.", "Ltda."],
        "via": ["Calle", "Carrera", "Avenida Calle", "Diagonal", "Transversal"],
    },
    names={
        "mfg": [
            ("{head} {region} {form}", ""),
            ("{head} {sur} {form}", ""),
            ("C.I. {head} {region} {form}", ""),
        ],
        "air": [("Aerocarga {region} S.A.S.", ""), ("Líneas Aéreas de Carga {sur} S.A.", "")],
        "3pl": [("Logística {region} S.A.S.", ""), ("Almacenadora {sur} S.A.", "")],
        "broker": [("Agencia de Aduanas {sur} S.A.S. Nivel 1", "")],
        "forwarder": [("Carga Internacional {region} S.A.S.", "")],
    },
    first=words(
        "Juan Carlos, Andrés, Camilo, Santiago, Valentina, Catalina, Natalia, Diana, "
        "Felipe, Alejandro, Paula, Mauricio, Luisa, Sebastián, Carolina"
    ),
    last=CO_SURNAMES,
    address=lambda rng, c: (
        f"{rng.choice(CO.pools['via'])} {rng.randint(1, 140)} # {rng.randint(1, 99)}-"
        f"{rng.randint(1, 99)}, {c.name}, {c.region}"
    ),
    phone=lambda rng, c: f"+57 {c.area} {digits(rng, 3)} {digits(rng, 4)}",
    tax_id=co_nit,
)

BD = Country(
    code="BD",
    mix={
        "supplier": 25,
        "foreign_manufacturer": 30,
        "consolidator": 3,
        "third_party_logistics": 2,
    },
    cities=[
        City("Dhaka", "", "", "1207", "2"),
        City("Gazipur", "", "", "1700", "2"),
        City("Narayanganj", "", "", "1400", "2"),
        City("Savar", "", "", "1340", "2"),
        City("Ashulia", "", "", "1349", "2"),
        City("Chattogram", "", "", "4000", "31"),
        City("Tongi", "", "", "1710", "2"),
    ],
    pools={
        "brand": words(
            "Rahman, Karim, Hossain, Islam, Chowdhury, Ahmed, Uddin, Sonar Bangla, Padma, "
            "Meghna, Jamuna, Karnaphuli, Surma, Teesta, Rupali, Shapla, Abanti, Anwar, "
            "Bengal, Delta, Eastern, Northern, Rising, Sunshine, Unique, Venus, "
            "Green Valley, Standard, Fakir, Mondol, Sikder, Talukder, Bhuiyan, Majumder, "
            "Sarker, Zaman"
        ),
        "ind": words(
            "Apparels, Garments, Knit Composite, Knitwear, Fashions, Sweaters, Denim, "
            "Textile Mills, Spinning Mills, Dyeing, Washing, Accessories, Packaging, "
            "Leather, Jute Mills, Footwear, Designs, Outfit"
        ),
    },
    names={
        "mfg": [("{brand} {ind} Ltd.", ""), ("{brand} {ind} Limited", "")],
        "forwarder": [("{brand} Shipping Lines Ltd.", ""), ("{brand} Freight Systems Ltd.", "")],
        "3pl": [("{brand} Logistics Ltd.", "")],
    },
    first=words(
        "Mohammad, Abdul, Rafiq, Nasrin, Farhana, Shahidul, Kamal, Sharmin, Tanvir, "
        "Arif, Ruma, Jahangir, Sabina, Imran"
    ),
    last=words(
        "Rahman, Hossain, Islam, Ahmed, Chowdhury, Uddin, Khan, Akter, Begum, Sarker, Haque"
    ),
    address=lambda rng, c: (
        f"Plot {rng.randint(1, 90)}, {rng.choice(BD_AREAS[c.name])}, {c.name}-{c.postal}"
    ),
    phone=lambda rng, c: f"+880 {c.area} {digits(rng, 10 - len(c.area))}",
    tax_id=lambda rng, _c, _n: f"{digits(rng, 9)}-0101",
)

US_SURNAMES = words(
    "Anderson, Baker, Carter, Davis, Edwards, Foster, Garrison, Harper, Jensen, "
    "Keller, Lawson, Mitchell, Nelson, Olsen, Parker, Quinn, Reynolds, Sullivan, "
    "Thompson, Walker, Whitaker, Young, Brennan, Callahan, Dawson, Fletcher, "
    "Hughes, Morrison, Patterson, Sanders, Turner, Wheeler, Holt, Barrett, "
    "Coleman"
)
US_WORDS = words(
    "Blue Ridge, Great Plains, Lone Star, Keystone, Heartland, Red River, Midwest, "
    "Gulf Coast, Rocky Mountain, Golden State, Sunbelt, Patriot, Liberty, Eagle, "
    "Summit, Pioneer, Frontier, Cardinal, Buckeye, Cascade, Prairie, Evergreen, "
    "Bluegrass, Magnolia, Tidewater, Ozark, Sierra, Badger, Empire, Lakeshore, "
    "Big Sky, Copper State, Mesa, Bayou, Piedmont, Chesapeake, Hoosier, Palmetto, "
    "Ironwood, Silver Creek"
)
US = Country(
    code="US",
    mix={
        "highway_carrier": 45,
        "customs_broker": 25,
        "third_party_logistics": 25,
        "supplier": 25,
        "consolidator": 15,
        "air_carrier": 8,
        "service_provider": 8,
        "sea_carrier": 5,
        "rail_carrier": 4,
    },
    cities=[
        City("Laredo", "", "TX", "78041", "956"),
        City("El Paso", "", "TX", "79901", "915"),
        City("Houston", "", "TX", "77002", "713"),
        City("Dallas", "", "TX", "75201", "214"),
        City("Chicago", "", "IL", "60607", "312"),
        City("Atlanta", "", "GA", "30303", "404"),
        City("Memphis", "", "TN", "38103", "901"),
        City("Los Angeles", "", "CA", "90021", "213"),
        City("Long Beach", "", "CA", "90802", "562"),
        City("Newark", "", "NJ", "07105", "973"),
        City("Savannah", "", "GA", "31401", "912"),
        City("Seattle", "", "WA", "98104", "206"),
        City("Miami", "", "FL", "33166", "305"),
        City("Columbus", "", "OH", "43215", "614"),
        City("Indianapolis", "", "IN", "46204", "317"),
        City("Charlotte", "", "NC", "28202", "704"),
        City("Kansas City", "", "MO", "64106", "816"),
        City("Louisville", "", "KY", "40202", "502"),
        City("Nogales", "", "AZ", "85621", "520"),
        City("Detroit", "", "MI", "48226", "313"),
        City("Buffalo", "", "NY", "14202", "716"),
        City("Jacksonville", "", "FL", "32202", "904"),
        City("Norfolk", "", "VA", "23510", "757"),
        City("Reno", "", "NV", "89501", "775"),
    ],
    pools={
        "word": US_WORDS,
        "sur": US_SURNAMES,
        "sur2": US_SURNAMES,
        "street": words(
            "Industrial Blvd, Commerce Dr, Logistics Pkwy, Airport Rd, Harbor Way, "
            "Railroad Ave, Distribution Way, Warehouse Rd, Freight St, Enterprise Dr, "
            "Corporate Center Dr, Port Rd"
        ),
    },
    names={
        "road": [
            ("{sur} Trucking, Inc.", ""),
            ("{sur} Freight Lines, Inc.", ""),
            ("{word} Express LLC", ""),
            ("{word} Transport Inc.", ""),
            ("{sur} Bros. Transportation LLC", ""),
            ("{word} Carriers, Inc.", ""),
        ],
        "broker": [
            ("{sur} Customs Brokers, Inc.", ""),
            ("{word} Customs Brokerage LLC", ""),
            ("{sur} & {sur2} Customs House Brokers, Inc.", ""),
        ],
        "3pl": [
            ("{word} Logistics LLC", ""),
            ("{word} Distribution Services, Inc.", ""),
            ("{sur} Warehousing Co.", ""),
            ("{word} Fulfillment LLC", ""),
            ("{word} Supply Chain Solutions LLC", ""),
        ],
        "forwarder": [
            ("{word} Worldwide Logistics Inc.", ""),
            ("{word} International Freight LLC", ""),
            ("{word} Container Line Inc.", ""),
        ],
        "air": [("{word} Air Cargo Inc.", ""), ("{word} Airlines Cargo LLC", "")],
        "sea": [("{word} Maritime LLC", ""), ("{word} Ocean Lines Inc.", "")],
        "rail": [("{word} Short Line Railroad, Inc.", ""), ("{word} Rail Link LLC", "")],
        "mfg": [
            ("{word} Manufacturing Corp.", ""),
            ("{sur} Industries, Inc.", ""),
            ("{word} Packaging LLC", ""),
            ("{sur} Plastics Inc.", ""),
            ("{word} Components, Inc.", ""),
        ],
        "service": [
            ("{word} Security Services, Inc.", ""),
            ("{word} IT Solutions LLC", ""),
            ("{sur} Guard Services LLC", ""),
        ],
    },
    first=words(
        "James, Mary, Robert, Patricia, John, Jennifer, Michael, Linda, David, "
        "Elizabeth, William, Susan, Richard, Jessica, Joseph, Sarah, Thomas, Karen, "
        "Christopher, Nancy, Daniel, Lisa, Matthew, Ashley, Carlos, Maria"
    ),
    last=US_SURNAMES + ["Garcia", "Martinez", "Nguyen", "Kim", "Patel"],
    address=lambda rng, c: (
        f"{rng.randint(100, 9899)} {rng.choice(US.pools['street'])}, "
        f"{c.name}, {c.region} {c.postal}"
    ),
    # 555-0100 to 555-0199: the numbers set aside for fiction.
    phone=lambda rng, c: f"+1 {c.area} 555 01{digits(rng, 2)}",
    tax_id=lambda rng, _c, _n: f"{rng.randint(10, 98)}-{digits(rng, 7)}",
)

CA_SURNAMES = words(
    "Tremblay, Gagnon, Roy, Côté, Bouchard, Gauthier, Morin, Lavoie, Fortin, "
    "Gagné, Ouellet, Pelletier, Bélanger, Lévesque, Smith, Brown, Wilson, "
    "MacDonald, Campbell, Stewart, Fraser, Martin, Taylor, Thomson, Robertson, "
    "Leblanc, Chan, Singh"
)
CA = Country(
    code="CA",
    mix={
        "highway_carrier": 22,
        "customs_broker": 12,
        "third_party_logistics": 10,
        "supplier": 10,
        "consolidator": 4,
        "rail_carrier": 2,
    },
    cities=[
        City("Toronto", "", "ON", "M5V 2T6", "416"),
        City("Mississauga", "", "ON", "L5T 1A1", "905"),
        City("Montréal", "", "QC", "H3B 2Y5", "514"),
        City("Vancouver", "", "BC", "V6B 1A1", "604"),
        City("Calgary", "", "AB", "T2P 1J9", "403"),
        City("Winnipeg", "", "MB", "R3C 0A1", "204"),
        City("Windsor", "", "ON", "N9A 1A1", "519"),
        City("Edmonton", "", "AB", "T5J 0N3", "780"),
        City("Laval", "", "QC", "H7S 1Z5", "450"),
        City("Halifax", "", "NS", "B3J 1A1", "902"),
        City("Brampton", "", "ON", "L6T 4K6", "905"),
    ],
    pools={
        "word": words(
            "Maple Leaf, Northern, Great Lakes, Laurentian, Prairie, Atlantic, "
            "Pacific Coast, Fraser Valley, Niagara, St. Lawrence, Okanagan, Huron, "
            "Algonquin, Maritime, Boreal, Cedar, Polar, Chinook, Muskoka, Kootenay, "
            "Gatineau, Acadian, Caribou, Ottawa Valley, True North"
        ),
        "sur": CA_SURNAMES,
        "street": words(
            "Industrial Pkwy, Rue Notre-Dame, Airport Rd, Steeles Ave, Boul. Industriel, "
            "Commerce Cres, Dixie Rd, Marine Dr, Rue Principale"
        ),
    },
    names={
        "road": [
            ("{word} Transport Ltd.", ""),
            ("{sur} Trucking Inc.", ""),
            ("Transport {sur} Inc.", ""),
            ("{word} Freightways Ltd.", ""),
        ],
        "broker": [
            ("{sur} Customs Brokers Ltd.", ""),
            ("{word} Customs Services Inc.", ""),
            ("Courtier en douane {sur} Inc.", ""),
        ],
        "3pl": [
            ("{word} Logistics Inc.", ""),
            ("Entrepôts {sur} Inc.", ""),
            ("{word} Warehousing Ltd.", ""),
        ],
        "rail": [("{word} Railway Ltd.", "")],
        "mfg": [
            ("{word} Manufacturing Ltd.", ""),
            ("{sur} Industries Inc.", ""),
            ("Les Industries {sur} Inc.", ""),
        ],
        "forwarder": [("{word} Freight Forwarders Inc.", "")],
    },
    first=words(
        "Marc, Julie, Sylvie, Jean-François, Isabelle, Mathieu, Sarah, Ryan, Emily, "
        "Daniel, Chantal, Kevin, Nathalie, Brandon, Amanda, Pierre"
    ),
    last=CA_SURNAMES,
    address=lambda rng, c: (
        f"{rng.randint(10, 9800)} {rng.choice(CA.pools['street'])}, {c.name}, {c.region} {c.postal}"
    ),
    phone=lambda rng, c: f"+1 {c.area} 555 01{digits(rng, 2)}",
    tax_id=lambda rng, _c, _n: f"{digits(rng, 9)} RT0001",
)

COUNTRIES = [CN, US, MX, VN, IN, BD, CA, DE, TR, CO]
assert sum(sum(c.mix.values()) for c in COUNTRIES) == COUNT


# -- one partner ------------------------------------------------------------------------------
DE_CITY_ADJECTIVES = {
    "Hamburg": "Hamburger",
    "Bremen": "Bremer",
    "Stuttgart": "Stuttgarter",
    "München": "Münchner",
    "Frankfurt am Main": "Frankfurter",
    "Köln": "Kölner",
    "Düsseldorf": "Düsseldorfer",
    "Nürnberg": "Nürnberger",
    "Hannover": "Hannoversche",
    "Dortmund": "Dortmunder",
    "Bielefeld": "Bielefelder",
    "Augsburg": "Augsburger",
    "Mannheim": "Mannheimer",
    "Leipzig": "Leipziger",
    "Pforzheim": "Pforzheimer",
    "Solingen": "Solinger",
    "Ulm": "Ulmer",
}


def _fill(template: tuple[str, str], country: Country, city: City, rng) -> tuple[str, str]:
    """The English name and the native-script name (empty when there is none)."""
    english, native = template
    used = set()
    for placeholder in re.findall(r"{(\w+)}", english):
        if placeholder == "city":
            en, nat = city.name, city.native or city.name
        elif placeholder == "cityadj":
            en = nat = DE_CITY_ADJECTIVES[city.name]
        else:
            for _ in range(10):  # "Garza y Garza" would look odd
                pick = rng.choice(country.pools[placeholder])
                en, nat = pick if isinstance(pick, tuple) else (pick, pick)
                if en not in used:
                    break
        used.add(en)
        english = english.replace("{" + placeholder + "}", en, 1)
        native = native.replace("{" + placeholder + "}", nat, 1)
    return english, native


# Words too common in names to make a recognisable email domain.
GENERIC_WORDS = frozenset(
    words(
        "international, logistics, logistica, freight, shipping, group, global, "
        "industries, industrial, industrias, services, transport, transportes, "
        "autotransportes, trucking, express, carriers, lines, company, pvt, private, "
        "agencia, aduanal, aduanas, despacho, agentes, aduanales, fletes, almacenes, "
        "centro, grupo, maquiladora, manufacturas, les, courtier, en, douane, "
        "entrepots, customs, brokers, brokerage, house, distribution, warehousing, "
        "fulfillment, supply, chain, solutions, worldwide, container, line, air, "
        "cargo, airlines, maritime, ocean, railroad, railway, short, rail, link, "
        "manufacturing, components, security, guard, spedition, internationale, "
        "kontraktlogistik, lagerlogistik, reederei, uluslararasi, nakliyat, ve, "
        "ticaret, lojistik, sanayi, san, tic, sti, hizmetleri, depolama, tasimacilik, "
        "del, de, la, sa, cv, rl, sapi, sc, sas, nivel, carga, aerocarga, lineas, "
        "aereas, almacenadora, comercializadora, ci"
    )
)


def _domain(legal_name: str, city: City) -> str:
    city_words = set(tokens(city.name))
    words = [w for w in name_key(legal_name).split() if len(w) > 1 and w not in city_words]
    useful = [w for w in words if w not in GENERIC_WORDS] or words
    return "-".join(useful[:2]) + ".example"


def _mid(country: Country, city: City, legal_name: str, address: str) -> str:
    """The CBP manufacturer ID: country, 3+3 letters of the name, street number, city."""
    skip = {"a", "an", "and", "of", "the"}
    words = [w for w in tokens(legal_name) if w not in skip and w.isalpha()]
    name_part = "".join(w[:3] for w in words[:2]).upper()
    numbers = re.findall(r"\d+", address.replace(city.postal, ""))
    number = max(numbers, key=int)[:4] if numbers else ""
    city_part = re.sub(r"[^A-Z]", "", anyascii(city.name).upper())[:3]
    origin = city.region if country.code == "CA" else country.code
    return f"{origin}{name_part}{number}{city_part}"


def lei(rng) -> str:
    """A 20-character LEI with ISO 17442 (ISO 7064 mod 97-10) check digits."""
    base = rng.choice(LEI_PREFIXES) + "00" + letters(rng, 12, GST_CHARS)
    number = int("".join(str(int(c, 36)) for c in base + "00"))
    return f"{base}{98 - number % 97:02d}"


def _scac(rng, legal_name: str) -> str:
    """Four letters, most often starting with the name's initials, as carriers choose them."""
    words = [w for w in name_key(legal_name).split() if w.isalpha() and len(w) > 1]
    initials = "".join(w[0] for w in words).upper()[: rng.choice([1, 2, 2, 3])]
    return (initials + letters(rng, 4))[:4]


def _contact(rng, country: Country, domain: str) -> tuple[str, str]:
    first, last = rng.choice(country.first), rng.choice(country.last)
    if country.english_first and rng.random() < 0.5:
        first = rng.choice(country.english_first)
        name = f"{first} {last}"
    else:
        name = f"{last} {first}" if country.family_first else f"{first} {last}"
    ascii_first = re.sub(r"[^a-z]", "", anyascii(first.split()[-1]).lower())
    ascii_last = re.sub(r"[^a-z]", "", anyascii(last).lower())
    local = rng.choice(
        [f"{ascii_first}.{ascii_last}", f"{ascii_first[0]}{ascii_last}", f"{ascii_first}"]
    )
    if rng.random() < 0.15:
        local = rng.choice(words("sales, export, logistics, info, operations, compliance"))
    return name, f"{local}@{domain}"


@dataclass
class Made:
    """Names and identifiers already used: every new partner must differ from all of them."""

    keys: dict[str, list[str]] = field(default_factory=dict)  # country -> folded names
    idents: set = field(default_factory=set)  # (kind, value)

    def name_free(self, country: str, legal_name: str, check_similar: bool) -> bool:
        key = name_key(legal_name)
        earlier = self.keys.setdefault(country, [])
        if not check_similar:  # a bench registry: names may repeat (branches, namesakes)
            return True
        return not process.extractOne(key, earlier, scorer=fuzz.ratio, score_cutoff=MAX_SIMILARITY)

    def take(self, kind: str, value: str) -> bool:
        folded = (kind, importing.normalise_identifier(kind, value).upper())
        if folded in self.idents:
            return False
        self.idents.add(folded)
        return True


def make_partner(rng, country: Country, partner_type: str, made: Made, check_similar=True):
    kind = KIND[partner_type]
    for _ in range(2000):
        city = rng.choice(country.cities)
        english, native = _fill(rng.choice(country.names[kind]), country, city, rng)
        english = " ".join(english.split())
        if made.name_free(country.code, english, check_similar):
            break
    else:
        raise RuntimeError(f"Out of distinct names for {country.code} {partner_type}")
    made.keys[country.code].append(name_key(english))
    row = dict.fromkeys(HEADERS, "")
    row["Legal name"] = english
    row["Type"] = TYPE_LABELS[partner_type]
    row["Country"] = country.code
    other_names = []
    if native and native != english and rng.random() < country.native_share:
        other_names.append(native)
    if rng.random() < 0.08:
        initials = "".join(w[0] for w in name_key(english).split() if w.isalpha())[:3].upper()
        if len(initials) >= 2:
            other_names.append(f"{initials} {rng.choice(['Group', 'International', 'Global'])}")
    row["Other names"] = "; ".join(other_names)
    address = country.address(rng, city)
    row["Address"] = address

    def unique(kind_, build):
        for _ in range(100):
            value = build()
            if made.take(kind_, value):
                return value
        raise RuntimeError(f"No free {kind_}")

    if rng.random() < 0.9:
        duns = unique("duns", lambda: digits(rng, 9))
        row["DUNS"] = f"{duns[:2]}-{duns[2:5]}-{duns[5:]}" if rng.random() < 0.1 else duns
    lei_share = 0.35 if kind != "mfg" else 0.08
    if country.code == "DE":
        lei_share = 0.4
    if rng.random() < lei_share:
        row["LEI"] = unique("lei", lambda: lei(rng))
    if rng.random() < 0.75:
        row["Tax ID"] = unique("tax_id", lambda: country.tax_id(rng, city, english))
    if kind in SCAC_KINDS and rng.random() < 0.95:
        row["SCAC"] = unique("scac", lambda: _scac(rng, english))
    if kind == "mfg" and country.code != "US" and rng.random() < 0.85:
        mid = _mid(country, city, english, address)
        if made.take("mid", mid):
            row["MID"] = mid
    always, sometimes = SERVICES[partner_type]
    services = list(always) + [s for s in sometimes if rng.random() < 0.4]
    if not services:
        services = [rng.choice(sometimes)]
    row["Services"] = "; ".join(services)
    status = rng.choices([s for s, _w in STATUSES], weights=[w for _s, w in STATUSES])[0]
    row["Status"] = status
    if status != "Prospect":
        start = datetime.date(2006, 1, 1) + datetime.timedelta(days=rng.randrange(7100))
        row["Start date"] = start
    chance = rng.random()
    if chance < 0.92:
        name, email = _contact(rng, country, _domain(english, city))
        row["Contact email"] = email
        if chance < 0.85:
            row["Contact name"] = name
            row["Contact phone"] = country.phone(rng, city)
    return row


def build_rows(count: int = COUNT, seed: int = SEED, check_similar: bool = True) -> list[dict]:
    """``count`` partners (the country and type mix scaled to it), sorted by legal name."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    made = Made()
    plan = []
    for country in COUNTRIES:
        for partner_type, n in country.mix.items():
            plan += [(country, partner_type)] * n
    plan = [plan[i * len(plan) // count] for i in range(count)]  # the mix, scaled to count
    rows = [make_partner(rng, c, t, made, check_similar) for c, t in plan]
    rows.sort(key=lambda r: (anyascii(r["Legal name"]).casefold(), r["Country"]))
    return rows


# -- files ------------------------------------------------------------------------------------
def _stable_zip(data: bytes) -> bytes:
    """The workbook with fixed timestamps, so the same rows give the same bytes."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>" + stamp.encode(),
                    body,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body, compresslevel=9)
    return out.getvalue()


def xlsx_bytes(rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Partners"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[h] if row[h] != "" else None for h in HEADERS])
    for cell in sheet["L"][1:]:
        cell.number_format = "yyyy-mm-dd"
    widths = [48, 20, 8, 36, 60, 12, 22, 20, 6, 18, 40, 11, 10, 22, 36, 18]
    for column, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.creator = "OpenCTPAT demo data (scripts/make_demo_partners.py)"
    book.properties.title = "Demo business-partner registry"
    book.properties.created = book.properties.modified = FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return _stable_zip(out.getvalue())


# Twelve rows: 3 no legal name... see the module docstring. Lines are the file's (header = 1).
ERROR_ROWS = [
    [
        "Qingdao Haibin Knitting Co., Ltd.",
        "Supplier",
        "China",
        "青岛海滨针织有限公司",
        "No. 18, Zhuzhou Road, Laoshan District, Qingdao, Shandong 266101",
        "421907735",
        "",
        "",
        "",
        "CNQINHAI18QIN",
        "manufacturing; packing",
        "2019-03-15",
        "Active",
        "Sun Li",
        "sun.li@haibin-knitting.example",
        "+86 532 8890 1122",
    ],
    [
        "Atlantic Reefer Lines Ltd.",
        "Sea Carrier",
        "Atlantis",
        "",
        "1 Harbour Road, Poseidonia",
        "",
        "",
        "",
        "ARFL",
        "",
        "sea_transport",
        "2021-07-01",
        "Active",
        "Nemo Marin",
        "ops@atlantic-reefer.example",
        "",
    ],
    [
        "",
        "Supplier",
        "VNM",
        "",
        "Lot C7, Long Hau Industrial Park, Tan An, Long An Province",
        "551230874",
        "",
        "",
        "",
        "",
        "manufacturing",
        "2022-01-10",
        "Active",
        "Tran Thi Mai",
        "mai.tran@longhau-garment.example",
        "",
    ],
    [
        "Sonora Empaques Flexibles, S.A. de C.V.",
        "Foreign Manufacturer",
        "Mexico",
        "",
        "Blvd. Solidaridad 2150, Col. Industrial, C.P. 83000, Hermosillo, Son.",
        "4827163",
        "",
        "SEF0905128K3",
        "",
        "MXSONEMP2150HER",
        "manufacturing; packing; stuffing",
        "2015-05-20",
        "Active",
        "Lucía Ibarra",
        "lucia.ibarra@sonora-empaques.example",
        "+52 662 555 0142",
    ],
    [
        "Kessler Feinguss GmbH",
        "Supplier",
        "DE",
        "",
        "Gießereistraße 7, 73430 Aalen",
        "315006274",
        "",
        "DE284519730",
        "",
        "DEKESFEI7AAL",
        "manufacturing",
        "2012-09-01",
        "Active",
        "Jonas Kessler",
        "j.kessler(at)kessler-feinguss.example",
        "+49 7361 555 014",
    ],
    [
        "Qingdao Haibin Knitting Company Limited",
        "Supplier",
        "CN",
        "",
        "Qingdao, Shandong",
        "",
        "",
        "",
        "",
        "",
        "manufacturing",
        "",
        "Prospect",
        "",
        "",
        "",
    ],
    [
        "Housatonic Customs Brokers, Inc.",
        "Customs Broker",
        "US",
        "",
        "220 Route 5, West Springfield, MA 01089",
        "079233418",
        "",
        "04-7719352",
        "",
        "",
        "customs_brokerage; documentation",
        "2010-02-01",
        "Active",
        "Megan O'Brien",
        "megan.obrien@housatonic-brokers.example",
        "+1 413 555 0163",
    ],
    [
        "Shitalakshya Sweaters Ltd.",
        "Foreign Manufacturer",
        "Bangladesh",
        "",
        "Plot 44, Dhaka EPZ, Savar-1349",
        "731845502",
        "",
        "",
        "",
        "BDSHISWE44SAV",
        "manufacturing; packing",
        "2018-11-05",
        "Active",
        "Farhana Akter",
        "farhana.akter@shitalakshya-sweaters.example",
        "+880 2 7791 4410",
    ],
    [
        "Karşıyaka Deri Konfeksiyon San. ve Tic. Ltd. Şti.",
        "Supplier",
        "Türkiye",
        "",
        "Atatürk Organize Sanayi Bölgesi, 10003 Sok. No: 4, 35620 Çiğli/İzmir",
        "681134907",
        "",
        "3250441877",
        "",
        "TRKARDER1000IZM",
        "manufacturing",
        "2016-04-12",
        "Active",
        "Elif Aksoy",
        "elif.aksoy@karsiyaka-deri.example",
        "+90 232 555 01 77",
    ],
    [
        "Flores La Esmeralda S.A.S.",
        "Supplier",
        "CO",
        "",
        "Vereda Tres Esquinas Km 2, Facatativá, Cundinamarca",
        "882450193",
        "",
        "900218734-4",
        "",
        "COFLOLA2FAC",
        "manufacturing; packing",
        "2020-08-24",
        "Active",
        "Andrés Rojas",
        "andres.rojas@floreslaesmeralda.example",
        "+57 601 555 0187",
    ],
    [
        "Nilgiri Spinning Mills Pvt. Ltd.",
        "Foreign Manufacturer",
        "IN",
        "",
        "SF No. 212, Avinashi Road, Coimbatore, Tamil Nadu 641014",
        "650372981",
        "",
        "",
        "",
        "INNILSPI212COI",
        "manufacturing",
        "2014-06-30",
        "Suspended",
        "Karthik Subramanian",
        "karthik@nilgiri-spinning.example",
        "+91 422 555 0199",
    ],
    [
        "Rive-Sud Transport Inc.",
        "Highway Carrier",
        "Canada",
        "",
        "4550 Boul. Industriel, Laval, QC H7C 1A4",
        "204117385",
        "",
        "",
        "RSTQ",
        "",
        "highway_transport; sealing",
        "2017-01-16",
        "Active",
        "Mathieu Gagnon",
        "mgagnon@rivesud-transport.example",
        "+1 450 555 0121",
    ],
]
EXPECTED_ERRORS = {
    3: "Country 'Atlantis'",
    4: "Legal name is required",
    5: "DUNS must have 9 digits",
    6: "Contact email",
}
EXPECTED_DUPLICATE = 7  # "Qingdao Haibin Knitting Company Limited" = line 2 with another legal form


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# -- checks -----------------------------------------------------------------------------------
def _setup_django() -> None:
    """Django settings, for the import choices (models); no database is opened."""
    tmp = tempfile.mkdtemp(prefix="ctpat-demo-")
    os.environ.setdefault("CTPAT_DATA_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openctpat.settings.dev")
    import django

    django.setup()


def check_file(data: bytes, file_name: str, known=()):
    """The importer's view of a file: cleaned rows and duplicates, as services.preview has it."""
    from openctpat.partners.services import IMPORT_CHOICES

    headers, body = importing.read_table(data, file_name)
    mapping = importing.guess_mapping(headers)
    missing = sorted(
        set(importing.FIELDS) - set(mapping) - {"other_countries", "ior", "iata_code", "notes"}
    )
    if missing:
        raise SystemExit(f"{file_name}: columns not recognised: {missing}")
    index = {h: i for i, h in enumerate(headers)}
    rows = [
        importing.clean_row(n + 2, {f: r[index[h]] for f, h in mapping.items()}, IMPORT_CHOICES)
        for n, r in enumerate(body)
    ]
    return rows, importing.duplicates(rows, list(known))


def known_from(rows) -> list:
    from openctpat.partners.models import IDENTIFIERS

    return [
        importing.Known(
            i,
            r.values["legal_name"],
            name_key(r.values["legal_name"]),
            r.values["country"],
            tuple((k, r.values.get(k, "")) for k in IDENTIFIERS),
        )
        for i, r in enumerate(rows)
    ]


def main() -> None:
    _setup_django()
    rows = build_rows()
    data = xlsx_bytes(rows)
    clean, dupes = check_file(data, XLSX_PATH.name)
    errors = [(r.line, r.errors) for r in clean if r.errors]
    if len(clean) != COUNT or errors or dupes:
        raise SystemExit(f"demo file not clean: {len(clean)} rows, {errors[:5]}, {dupes}")
    if len(data) > 200 * 1024:
        raise SystemExit(f"demo file is {len(data) / 1024:.0f} KiB, over 200 KiB")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    XLSX_PATH.write_bytes(data)

    error_data = csv_bytes(ERROR_ROWS)
    bad, bad_dupes = check_file(error_data, CSV_PATH.name)
    found = {r.line: " ".join(r.errors) for r in bad if r.errors}
    wrong = [line for line, text in EXPECTED_ERRORS.items() if text not in found.get(line, "")]
    if set(found) != set(EXPECTED_ERRORS) or wrong or set(bad_dupes) != {EXPECTED_DUPLICATE}:
        raise SystemExit(f"error file: errors {found}, duplicates {bad_dupes}")
    # Imported after the 1,000, the sound rows must not look like registry duplicates.
    _bad, against_registry = check_file(error_data, CSV_PATH.name, known_from(clean))
    if set(against_registry) - {EXPECTED_DUPLICATE}:
        raise SystemExit(f"error file duplicates the demo registry: {against_registry}")
    CSV_PATH.write_bytes(error_data)

    by_country: dict[str, int] = {}
    by_type: dict[str, int] = {}
    for r in clean:
        by_country[r.values["country"]] = by_country.get(r.values["country"], 0) + 1
        by_type[r.values["partner_type"]] = by_type.get(r.values["partner_type"], 0) + 1
    print(f"{XLSX_PATH.relative_to(ROOT)}: {len(clean)} partners, {len(data) / 1024:.0f} KiB")
    print("  countries:", ", ".join(f"{k} {v}" for k, v in sorted(by_country.items())))
    print(
        "  types:", ", ".join(f"{k} {v}" for k, v in sorted(by_type.items(), key=lambda x: -x[1]))
    )
    print(
        "  with DUNS {}, LEI {}, tax ID {}, SCAC {}, MID {}, contact {}".format(
            *(
                sum(1 for r in rows if r[h])
                for h in ("DUNS", "LEI", "Tax ID", "SCAC", "MID", "Contact email")
            )
        )
    )
    print(
        f"{CSV_PATH.relative_to(ROOT)}: {len(bad)} rows, errors on lines {sorted(found)}, "
        f"duplicate on line(s) {sorted(bad_dupes)}"
    )


if __name__ == "__main__":
    main()
