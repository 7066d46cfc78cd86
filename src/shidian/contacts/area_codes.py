"""Long-distance area codes (长途区号) of the places the demo's contacts are in, for plausible demo phones.

Source, checked 2026-12-02: Google libphonenumber's geocoding table for China,
``resources/geocoding/zh/86.txt`` (github.com/google/libphonenumber; "Generated from: Internal statistical
data (2011-06-01)"), which names the place of every long-distance code (``86772|广西壮族自治区柳州市``). Every
code below was compared with it; the capitals, the prefectures and the two county codes all match. Where the
table and later changes differ, or the table is silent, it is said here, never guessed:

* Keyed by the first four digits of the GB/T 2260 code (the prefecture), a county-level unit that dials its
  own code by its six digits (格尔木市 0979, the table's second 海西 code; 仙桃市 0728, the table's
  "湖北省" code of the cities directly under the province). A county, a district or a town uses the code of
  the prefecture it belongs to (兰山区义堂镇 → 临沂 0539; 北流市 → 玉林 0775; 来宾市 dials 柳州's 0772,
  which the table names 柳州 alone; 金昌 dials 武威's 0935 likewise).
* 开封 has its own 0378 (the table: ``86378|河南省开封市``); an earlier version of this file gave 兰考县
  郑州's 0371 on a wrong memory of a merger.
* 长株潭: 株洲 and 湘潭 dial 长沙's 0731 (the table has no 0732 or 0733 any more: merged in 2009).
* 贵州: the table (2011) still lists 0852 to 0859 for the prefectures; the province unified them on 贵阳's
  0851 in 2015, before the demo's contact rounds (2016 to 2019), so every 贵州 place takes 0851.
* 眉山: the table names 0833 for 乐山 only and has no entry of its own for 眉山, so 眉山 keeps the capital's
  028 (not verified here). 通辽 (0475) is missing from the table; 0475 is kept as published elsewhere.
* A province-level pilot (江苏省, 安徽省) and a unit without a division (重庆市主城九区; 六景镇, in 南宁's 横县)
  take the capital's code; 海南 dials 0898 throughout (the table's one 海南 code).
"""

from __future__ import annotations

# The capital's code for each province-level unit (the municipalities' own code).
CAPITALS: dict[str, str] = {
    "11": "010",  # 北京
    "12": "022",  # 天津
    "13": "0311",  # 石家庄
    "14": "0351",  # 太原
    "15": "0471",  # 呼和浩特
    "21": "024",  # 沈阳
    "22": "0431",  # 长春
    "23": "0451",  # 哈尔滨
    "31": "021",  # 上海
    "32": "025",  # 南京
    "33": "0571",  # 杭州
    "34": "0551",  # 合肥
    "35": "0591",  # 福州
    "36": "0791",  # 南昌
    "37": "0531",  # 济南
    "41": "0371",  # 郑州
    "42": "027",  # 武汉
    "43": "0731",  # 长沙
    "44": "020",  # 广州
    "45": "0771",  # 南宁
    "46": "0898",  # 海口 (the whole of 海南)
    "50": "023",  # 重庆
    "51": "028",  # 成都
    "52": "0851",  # 贵阳 (the whole of 贵州)
    "53": "0871",  # 昆明
    "54": "0891",  # 拉萨
    "61": "029",  # 西安
    "62": "0931",  # 兰州
    "63": "0971",  # 西宁
    "64": "0951",  # 银川
    "65": "0991",  # 乌鲁木齐
    "66": "0991",  # 新疆生产建设兵团: its seat is in 乌鲁木齐
}

# Prefecture-level units (first four digits of the division code) that hold a pilot, capitals aside.
PREFECTURES: dict[str, str] = {
    "1306": "0312",  # 保定 (定州市)
    "1307": "0313",  # 张家口 (张北县)
    "1405": "0356",  # 晋城 (泽州县)
    "1407": "0354",  # 晋中 (介休市)
    "1411": "0358",  # 吕梁 (交城县)
    "1502": "0472",  # 包头
    "1505": "0475",  # 通辽 (科尔沁左翼中旗)
    "2102": "0411",  # 大连
    "2103": "0412",  # 鞍山 (海城市)
    "2202": "0432",  # 吉林
    "2224": "0433",  # 延边朝鲜族自治州 (延吉市)
    "2302": "0452",  # 齐齐哈尔
    "2307": "0458",  # 伊春
    "2310": "0453",  # 牡丹江
    "2312": "0455",  # 绥化 (安达市)
    "3302": "0574",  # 宁波
    "3304": "0573",  # 嘉兴
    "3305": "0572",  # 湖州 (德清县)
    "3310": "0576",  # 台州
    "3503": "0594",  # 莆田
    "3603": "0799",  # 萍乡
    "3606": "0701",  # 鹰潭
    "3607": "0797",  # 赣州
    "3609": "0795",  # 宜春 (樟树市)
    "3610": "0794",  # 抚州
    "3702": "0532",  # 青岛
    "3703": "0533",  # 淄博
    "3706": "0535",  # 烟台
    "3710": "0631",  # 威海
    "3713": "0539",  # 临沂 (兰山区义堂镇)
    "3714": "0534",  # 德州
    "3715": "0635",  # 聊城
    "4102": "0378",  # 开封 (兰考县)
    "4103": "0379",  # 洛阳
    "4106": "0392",  # 鹤壁
    "4107": "0373",  # 新乡 (长垣)
    "4109": "0393",  # 濮阳
    "4110": "0374",  # 许昌 (禹州市)
    "4202": "0714",  # 黄石 (大冶市)
    "4205": "0717",  # 宜昌 (宜都市)
    "4208": "0724",  # 荆门
    "4209": "0712",  # 孝感
    "4210": "0716",  # 荆州 (松滋市)
    "4213": "0722",  # 随州
    "4302": "0731",  # 株洲 (长株潭 share 长沙's code)
    "4303": "0731",  # 湘潭 (likewise)
    "4310": "0735",  # 郴州 (and 资兴市)
    "4402": "0751",  # 韶关
    "4406": "0757",  # 佛山 (南海区)
    "4409": "0668",  # 茂名
    "4413": "0752",  # 惠州
    "4419": "0769",  # 东莞
    "4451": "0768",  # 潮州
    "4502": "0772",  # 柳州
    "4503": "0773",  # 桂林 (荔浦)
    "4507": "0777",  # 钦州 (浦北县)
    "4509": "0775",  # 玉林 (北流市)
    "4510": "0776",  # 百色 (靖西市)
    "4513": "0772",  # 来宾 (shares 柳州's code)
    "5105": "0830",  # 泸州
    "5107": "0816",  # 绵阳
    "5109": "0825",  # 遂宁
    "5117": "0818",  # 达州
    "5303": "0874",  # 曲靖
    "5329": "0872",  # 大理白族自治州 (大理市)
    "6103": "0917",  # 宝鸡 (岐山县蔡家坡镇)
    "6106": "0911",  # 延安
    "6108": "0912",  # 榆林 (神木)
    "6110": "0914",  # 商洛 (山阳县)
    "6203": "0935",  # 金昌 (dials 武威's code)
    "6211": "0932",  # 定西 (陇西县)
    "6302": "0972",  # 海东 (and 循化县街子镇)
    "6322": "0970",  # 海北藏族自治州 (海晏县、门源县)
    "6325": "0974",  # 海南藏族自治州 (贵德县)
    "6326": "0975",  # 果洛藏族自治州 (玛沁县)
    "6328": "0977",  # 海西蒙古族藏族自治州
    "6404": "0954",  # 固原
}

# County-level units that dial a code of their own.
COUNTIES: dict[str, str] = {
    "429004": "0728",  # 仙桃市 (directly under 湖北; shares 0728 with 潜江、天门)
    "632801": "0979",  # 格尔木市 (海西州's seat 德令哈 is 0977)
}


def capital_code(province_code: str) -> str:
    """The provincial capital's code (the municipality's own); 010 for a code not listed (the nation's)."""
    return CAPITALS.get(province_code, "010")


def area_code(*, province_code: str, division_code: str | None) -> str:
    """The code to dial a place with the division ``division_code`` (county or prefecture) in that province."""
    code = division_code or ""
    if code[:6] in COUNTIES:
        return COUNTIES[code[:6]]
    if code[:4] in PREFECTURES:
        return PREFECTURES[code[:4]]
    return capital_code(province_code)  # a capital, a municipality's district, or a place not in the table
