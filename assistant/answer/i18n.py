"""Closed vocabularies translated for Chinese answers: RASFF categories and hazards, NTM codes,
record types, and the fixed phrases of the offline composer.

Open text (titles, product names, symbols) is never translated: answers quote it as written.
"""

from __future__ import annotations

RASFF_PRODUCT_CATEGORY_ZH: dict[str, str] = {
    "alcoholic beverages": "酒精饮料",
    "animal by-products": "动物副产品",
    "bivalve molluscs and products thereof": "双壳贝类及其制品",
    "cephalopods and products thereof": "头足类及其制品",
    "cereals and bakery products": "谷物及烘焙制品",
    "cocoa and cocoa preparations, coffee and tea": "可可及其制品、咖啡和茶",
    "compound feeds": "配合饲料",
    "confectionery": "糖果",
    "crustaceans and products thereof": "甲壳类及其制品",
    "dietetic foods, food supplements and fortified foods": "特殊膳食食品、食品补充剂和强化食品",
    "dietetic foods, food supplements, fortified foods": "特殊膳食食品、食品补充剂和强化食品",
    "eggs and egg products": "蛋及蛋制品",
    "fats and oils": "油脂",
    "feed additives": "饲料添加剂",
    "feed materials": "饲料原料",
    "feed premixtures": "饲料预混料",
    "fish and fish products": "鱼及鱼制品",
    "fish and products thereof": "鱼及鱼制品",
    "food additives and flavourings": "食品添加剂和香料",
    "food contact materials": "食品接触材料",
    "fruits and vegetables": "水果和蔬菜",
    "gastropods": "腹足类",
    "herbs and spices": "香草和香辛料",
    "honey and royal jelly": "蜂蜜和蜂王浆",
    "ices and desserts": "冰品和甜点",
    "live animals": "活动物",
    "meat and meat products (other than poultry)": "肉及肉制品（禽肉除外）",
    "milk and milk products": "乳及乳制品",
    "natural mineral waters": "天然矿泉水",
    "non-alcoholic beverages": "无酒精饮料",
    "nuts, nut products and seeds": "坚果、坚果制品和种子",
    "other food product / mixed": "其他食品／混合食品",
    "pet food": "宠物食品",
    "poultry meat and poultry meat products": "禽肉及禽肉制品",
    "prepared dishes and snacks": "预制菜肴和零食",
    "soups, broths, sauces and condiments": "汤料、肉汤、酱料和调味品",
    "water for human consumption (other)": "饮用水（其他）",
    "wine": "葡萄酒",
}

RASFF_HAZARD_CATEGORY_ZH: dict[str, str] = {
    "adulteration / fraud": "掺假／欺诈",
    "allergens": "过敏原",
    "biocontaminants": "生物污染物",
    "biological contaminants": "生物污染物",
    "biological contaminants (other)": "生物污染物（其他）",
    "biotoxins (other)": "生物毒素（其他）",
    "chemical contamination (other)": "化学污染（其他）",
    "composition": "成分不合规",
    "environmental pollutants": "环境污染物",
    "feed additives": "饲料添加剂",
    "food additives and flavourings": "食品添加剂和香料",
    "foreign bodies": "异物",
    "genetically modified": "转基因",
    "gmo / novel food": "转基因／新型食品",
    "heavy metals": "重金属",
    "industrial contaminants": "工业污染物",
    "labelling absent/incomplete/incorrect": "标签缺失／不完整／不正确",
    "metals": "金属",
    "microbial contaminants (other)": "微生物污染（其他）",
    "migration": "迁移（食品接触材料物质迁移）",
    "mycotoxins": "真菌毒素",
    "natural toxins (other)": "天然毒素（其他）",
    "non-pathogenic micro-organisms": "非致病微生物",
    "not determined (other)": "未确定（其他）",
    "not determined / other": "未确定／其他",
    "novel food": "新型食品",
    "organoleptic aspects": "感官问题",
    "packaging defective / incorrect": "包装缺陷／不正确",
    "parasitic infestation": "寄生虫感染",
    "pathogenic micro-organisms": "致病微生物",
    "pesticide residues": "农药残留",
    "poor or insufficient controls": "控制不力或不足",
    "process contaminants": "加工污染物",
    "radiation": "辐射",
    "residues of veterinary medicinal products": "兽药残留",
    "tses": "传染性海绵状脑病（TSE）",
}

NTM_ZH: dict[str, str] = {
    "A": "卫生与植物卫生措施", "A1": "出于SPS原因的禁止／限制进口", "A2": "残留限量和物质使用限制",
    "A3": "标签、标识和包装要求", "A4": "卫生要求", "A5": "消除病虫害的处理", "A6": "生产和加工要求",
    "A8": "合格评定（SPS）", "B": "技术性贸易壁垒（TBT）措施", "B1": "出于TBT原因的禁止／许可要求",
    "B2": "限量要求", "B3": "标签、标识和包装要求", "B31": "标签要求", "B32": "标识要求",
    "B33": "包装要求", "B4": "生产或加工要求", "B6": "产品标识要求", "B7": "产品质量、安全或性能要求",
    "B8": "合格评定程序", "B81": "产品注册／审批", "B82": "检测要求", "B83": "认证要求",
    "B84": "检验要求", "B85": "可追溯性要求", "C": "装运前检验及其他手续",
}
NTM_EN: dict[str, str] = {
    "A": "SPS measures", "A1": "SPS import prohibitions/restrictions", "A2": "Residue limits and restricted use of substances",
    "A3": "Labelling, marking and packaging (SPS)", "A4": "Hygienic requirements", "A5": "Treatment to eliminate pests and diseases",
    "A6": "Production and processing requirements", "A8": "Conformity assessment (SPS)", "B": "TBT measures",
    "B1": "Authorisation for TBT reasons", "B2": "Tolerance limits", "B3": "Labelling, marking and packaging",
    "B31": "Labelling requirements", "B32": "Marking requirements", "B33": "Packaging requirements",
    "B4": "Production or process requirements", "B6": "Product identity requirements",
    "B7": "Product quality, safety or performance", "B8": "Conformity assessment", "B81": "Product registration/approval",
    "B82": "Testing requirements", "B83": "Certification requirements", "B84": "Inspection requirements",
    "B85": "Traceability requirements", "C": "Pre-shipment inspection and other formalities",
}


NTM_ZH.update({
    "A1": "出于SPS原因的禁止／限制进口", "A11": "临时地域性禁令", "A12": "特定地区的地理限制",
    "A14": "出于SPS原因的特别授权要求", "A21": "残留或污染物限量", "A22": "物质使用限制",
    "A31": "标签要求（SPS）", "A32": "标识要求（SPS）", "A33": "包装要求（SPS）",
    "A41": "微生物标准", "A42": "卫生操作规范", "A51": "冷／热处理", "A53": "熏蒸",
    "A81": "产品注册／审批（SPS）", "A82": "检测要求（SPS）", "A83": "认证要求（SPS）",
    "A84": "检验要求（SPS）", "A85": "可追溯性要求（SPS）", "A86": "检疫要求",
    "B11": "出于TBT原因的禁止进口", "B14": "出于TBT原因的授权要求", "B21": "物质限量",
    "B22": "物质使用限制", "B41": "影响产品安全的生产过程要求",
})
NTM_EN.update({
    "A11": "Temporary geographic prohibitions (SPS)", "A12": "Geographical restrictions on eligibility",
    "A14": "Special authorisation for SPS reasons", "A21": "Tolerance limits for residues or contaminants",
    "A22": "Restricted use of substances", "A31": "Labelling requirements (SPS)", "A32": "Marking requirements (SPS)",
    "A33": "Packaging requirements (SPS)", "A41": "Microbiological criteria", "A42": "Hygienic practices",
    "A51": "Cold/heat treatment", "A53": "Fumigation", "A81": "Product registration/approval (SPS)",
    "A82": "Testing requirements (SPS)", "A83": "Certification requirements (SPS)", "A84": "Inspection requirements (SPS)",
    "A85": "Traceability requirements (SPS)", "A86": "Quarantine requirements", "B11": "Prohibition for TBT reasons",
    "B14": "Authorisation requirements for TBT reasons", "B21": "Tolerance limits for substances",
    "B22": "Restricted use of substances", "B41": "Production process requirements affecting safety",
})

TYPE_LABEL: dict[str, dict[str, str]] = {
    "notification": {"en": "WTO notification", "zh": "WTO通报"},
    "regulation": {"en": "Regulation", "zh": "法规"},
    "case": {"en": "Case", "zh": "案例"},
    "alert": {"en": "Rejection / alert", "zh": "通报／出口受阻"},
    "announcement": {"en": "Announcement", "zh": "公告"},
    "dispute": {"en": "WTO dispute", "zh": "WTO争端"},
    "form": {"en": "Report form", "zh": "报告表"},
    "document": {"en": "Document", "zh": "文件"},
}

COUNTRY_ZH: dict[str, str] = {
    "China": "中国", "Hong Kong": "中国香港", "Taiwan": "中国台湾", "India": "印度", "Türkiye": "土耳其",
    "Turkey": "土耳其", "United States": "美国", "Viet Nam": "越南", "Vietnam": "越南", "Thailand": "泰国",
    "Germany": "德国", "France": "法国", "Italy": "意大利", "Spain": "西班牙", "Netherlands": "荷兰",
    "Poland": "波兰", "Belgium": "比利时", "Greece": "希腊", "Bulgaria": "保加利亚", "Austria": "奥地利",
    "Ireland": "爱尔兰", "Czech Republic": "捷克", "Czechia": "捷克", "Denmark": "丹麦", "Sweden": "瑞典",
    "Finland": "芬兰", "Portugal": "葡萄牙", "Romania": "罗马尼亚", "Hungary": "匈牙利", "Slovakia": "斯洛伐克",
    "Slovenia": "斯洛文尼亚", "Croatia": "克罗地亚", "Lithuania": "立陶宛", "Latvia": "拉脱维亚",
    "Estonia": "爱沙尼亚", "Luxembourg": "卢森堡", "Cyprus": "塞浦路斯", "Malta": "马耳他",
    "Norway": "挪威", "Switzerland": "瑞士", "Iceland": "冰岛", "United Kingdom": "英国",
    "Brazil": "巴西", "Argentina": "阿根廷", "Egypt": "埃及", "Morocco": "摩洛哥", "Pakistan": "巴基斯坦",
    "Indonesia": "印度尼西亚", "Malaysia": "马来西亚", "Iran": "伊朗", "Ukraine": "乌克兰", "Japan": "日本",
    "South Korea": "韩国", "Korea, Republic of": "韩国", "Sri Lanka": "斯里兰卡", "Bangladesh": "孟加拉国",
    "Nigeria": "尼日利亚", "Ghana": "加纳", "Ecuador": "厄瓜多尔", "Peru": "秘鲁", "Chile": "智利",
    "Mexico": "墨西哥", "Canada": "加拿大", "Australia": "澳大利亚", "Israel": "以色列", "Uganda": "乌干达",
    "Ethiopia": "埃塞俄比亚", "Kenya": "肯尼亚", "South Africa": "南非", "Serbia": "塞尔维亚",
    "Albania": "阿尔巴尼亚", "North Macedonia": "北马其顿", "Bosnia and Herzegovina": "波黑",
}


def _split_multi(value: str) -> list[str]:
    seen: list[str] = []
    for part in value.split(";"):
        p = part.strip()
        if p and p.lower() != "n/a" and p.lower() not in (s.lower() for s in seen):
            seen.append(p)
    return seen


def rasff_category(value: str | None, lang: str) -> str:
    if not value:
        return ""
    if lang == "zh":
        return RASFF_PRODUCT_CATEGORY_ZH.get(value.strip().lower(), value)
    return value


def rasff_hazard_category(value: str | None, lang: str) -> str:
    """'Pesticide residues; Pesticide residues' -> 'Pesticide residues' / '农药残留'."""
    if not value:
        return ""
    parts = _split_multi(value)
    if lang == "zh":
        parts = [RASFF_HAZARD_CATEGORY_ZH.get(p.lower(), p) for p in parts]
    return "、".join(parts) if lang == "zh" else "; ".join(parts)


def ntm_label(code: str, lang: str) -> str:
    table = NTM_ZH if lang == "zh" else NTM_EN
    return table.get(code.upper(), code)


def type_label(rtype: str, lang: str) -> str:
    return TYPE_LABEL.get(rtype, {}).get(lang, rtype)


def country(name: str | None, lang: str) -> str:
    """'Austria; China' -> '奥地利、中国' in Chinese; unknown names stay as written."""
    if not name:
        return ""
    parts = _split_multi(name) or [name]
    if lang == "zh":
        return "、".join(COUNTRY_ZH.get(p, p) for p in parts)
    return "; ".join(parts)


# Fixed phrases of the offline composer, by key.
PHRASES: dict[str, dict[str, str]] = {
    "req_heading": {"en": "**What applies to {product} in {market}**", "zh": "**{product}出口{market}：适用的法规与要求**"},
    "req_heading_noproduct": {"en": "**What applies in {market}**", "zh": "**出口{market}：相关法规与要求**"},
    "req_heading_nomarket": {"en": "**Rules found for {product}**", "zh": "**{product}：找到的相关法规与要求**"},
    "regs_heading": {"en": "**Regulations and requirements**", "zh": "**法规与要求**"},
    "notif_heading": {"en": "**WTO notifications**", "zh": "**相关WTO通报**"},
    "alerts_heading": {"en": "**Recent rejections and alerts**", "zh": "**近期通报／出口受阻记录**"},
    "cases_heading": {"en": "**Past cases**", "zh": "**相关案例**"},
    "other_heading": {"en": "**Other relevant sources**", "zh": "**其他相关资料**"},
    "next_heading": {"en": "**What to do next**", "zh": "**下一步建议**"},
    "key_req": {"en": "Key requirements", "zh": "主要要求"},
    "conformity": {"en": "Conformity route", "zh": "合格评定途径"},
    "ntm": {"en": "Type of measure", "zh": "措施类型"},
    "original_title": {"en": "Original title", "zh": "原文标题"},
    "ask_whom": {"en": "Whom to ask", "zh": "咨询"},
    "in_force": {"en": "entry into force", "zh": "生效"},
    "applies_from": {"en": "applies from", "zh": "适用日期"},
    "published": {"en": "published", "zh": "发布"},
    "distributed": {"en": "distributed", "zh": "分发日期"},
    "comment_open": {"en": "comments open until {date} ({days} days left)", "zh": "评议截止日期 {date}（还剩 {days} 天）"},
    "comment_open_1": {"en": "comments open until {date} (1 day left)", "zh": "评议截止日期 {date}（还剩 1 天）"},
    "comment_closed": {"en": "comment period closed on {date}", "zh": "评议期已于 {date} 截止"},
    "hazard": {"en": "hazard", "zh": "危害"},
    "origin": {"en": "origin", "zh": "原产地"},
    "notified_by": {"en": "notified by", "zh": "通报国"},
    "user_added_only": {
        "en": "Note: this answer rests only on material added locally ({files}), not on the shipped, "
              "sourced corpus; check it against the original.",
        "zh": "注意：本回答仅依据本地添加的资料（{files}），而非随附的有来源资料库，请与原文核对。",
    },
    "beyond_coverage": {
        "en": "My {kind} run only until {until}, so I have nothing from {asked}; I won't guess.",
        "zh": "我掌握的{kind}截至{until}，没有{asked}的记录，所以不做猜测。",
    },
    "kind_alert": {"en": "border-rejection and alert records (RASFF)", "zh": "通报／出口受阻记录（RASFF）"},
    "kind_dispute": {"en": "WTO dispute records", "zh": "WTO争端记录"},
    "clarify_situation": {
        "en": "Tell me a little more so I can look it up: what product is it, which market is it going to, and what "
              "happened (held at the border, returned, asked for a certificate or a test)? If a foreign rule seems "
              "unjustified, you can also type \"report a barrier\".",
        "zh": "请再具体说一下，我好帮您查：是什么产品、出口到哪个市场、遇到了什么情况（如被扣留、退运、要求补证书或检测）？"
              "如果是国外不合理的要求，也可以输入“报告壁垒”。",
    },
    "not_stated": {
        "en": "My sources on {refs} do not state {what}, so I won't guess. The issuing authority or your local TBT centre can tell you.",
        "zh": "我掌握的{refs}资料中没有写明{what}，所以不做猜测。可向发布机构或当地技术性贸易措施工作机构咨询。",
    },
    "measure_tariff": {"en": "the tariff rate", "zh": "具体税率"},
    "measure_money": {"en": "the amount", "zh": "具体金额"},
    "measure_length": {"en": "the size", "zh": "具体尺寸"},
    "measure_limit": {"en": "the limit value", "zh": "具体限值"},
    "measure_concentration": {"en": "the limit value", "zh": "具体限值"},
    "measure_sound": {"en": "the noise limit", "zh": "具体噪声限值"},
    "measure_power": {"en": "the power limit", "zh": "具体功率限值"},
    "measure_duration": {"en": "the period", "zh": "具体期限"},
    "refused": {
        "en": "I could not find anything in my sources that answers this reliably, so I won't guess.",
        "zh": "我在现有资料中没有找到能可靠回答这个问题的内容，所以不做猜测。",
    },
    "out_of_domain": {
        "en": "I can only help with foreign technical regulations, standards, certification, SPS measures, WTO notifications, border rejections and barrier reports for exporters.",
        "zh": "我只能回答与出口相关的国外技术法规、标准、认证、卫生与植物卫生（SPS）措施、WTO通报、出口受阻和贸易壁垒报告等问题。",
    },
    "no_forecast": {
        "en": "I can't forecast what an authority will decide or what a market will do: my sources record what has been decided, adopted or notified, not what comes next. Ask me about the rules and dates in force or announced, and I will answer with citations.",
        "zh": "我无法预测主管部门今后会作出什么决定或市场会如何变化：我的资料只记录已经决定、通过或通报的内容，不包括今后的走向。您可以问我现行或已公布的规定和日期，我会注明出处回答。",
    },
    "no_opinion": {
        "en": "I don't give opinions on who was right or which market pays better: my sources record facts (rules, rulings, dates, rejections), not judgements. Ask me what was decided or what a market requires, and I will answer with citations.",
        "zh": "我不评判谁对谁错，也不比较哪个市场更赚钱：我的资料只记录事实（法规、裁决、日期、通报），不含评价。您可以问我已经作出的决定或目标市场的要求，我会注明出处回答。",
    },
    "no_company_names": {
        "en": "My sources don't name the companies involved: rejection and alert records give the goods, the hazard, the dates and the countries, not the importer's or exporter's name. Ask me about the hazards, dates or countries of those alerts, or what the rules require.",
        "zh": "我的资料不包含涉事企业的名称：通报和预警记录只写明货物、问题、日期和国家，不公布进口商或出口商名称。您可以问我这些通报的问题、日期或通报国，或者相关规定有哪些要求。",
    },
    "no_promise": {
        "en": "I can't promise what a customs authority, a market surveillance authority or a marketplace will do: no source of mine can. Ask me what the rules require for your product and market, and I will answer from the texts, with citations.",
        "zh": "海关、市场监管部门或电商平台会如何处理，我无法作出保证，任何资料也无法保证。您可以问我您的产品出口目标市场需要满足哪些要求，我会根据法规原文回答并注明出处。",
    },
    "into_china": {  # China as the market, carried into a follow-up's query: goods going in (relevance reads it)
        "en": "into China",
        "zh": "输华",
    },
    "from_origin": {  # where the goods come from, carried into a follow-up's query (relevance reads it)
        "en": "from {name}",
        "zh": "产自{name}",
    },
    "empty": {
        "en": "Please type a question, for example: \"What certification do Bluetooth earphones need for the EU?\"",
        "zh": "请输入您的问题，例如：“出口蓝牙耳机到欧盟需要什么认证？”",
    },
    "refuse_next": {
        "en": "You can: rephrase with the product and the destination market (e.g. \"toys to the US\"); quote a notification symbol such as G/TBT/N/…; report the barrier you met (type \"report a barrier\"); or ask China's WTO/TBT enquiry point or your local TBT centre.",
        "zh": "您可以：换个说法并写明产品和目标市场（如“玩具出口美国”）；直接输入通报号（如 G/TBT/N/…）；如果遇到了壁垒，输入“报告壁垒”填写征集表；或咨询中国WTO/TBT咨询点或当地技术性贸易措施研究评议基地。",
    },
    "unknown_ref": {
        "en": "I have no record of {ref} in my sources, so I can't say what it contains. Check the symbol, or search the notification on the WTO ePing platform.",
        "zh": "我的资料中没有 {ref} 的记录，因此无法说明其内容。请核对编号，或在WTO ePing平台查询该通报。",
    },
    "not_in_corpus": {
        "en": "{ref} is not in my sources, so I can't say what it contains, and I won't answer with another record instead.",
        "zh": "我的资料中没有 {ref}，因此无法说明其内容，也不会用别的记录代替回答。",
    },
    "provision_range": {
        "en": "{ref} has {first} to {last} in my sources.",
        "zh": "我收录的 {ref} 只有 {first} 至 {last}。",
    },
    "unknown_names_refused": {
        "en": "I have nothing on {names} in my sources, and nothing I found answers this reliably, so I won't guess.",
        "zh": "我的资料中没有关于{names}的记录，找到的内容也不能可靠回答这个问题，所以不做猜测。",
    },
    "unknown_names": {
        "en": "I have nothing on {names} in my sources; below is the nearest I found, which is not about {names} itself.",
        "zh": "我的资料中没有关于{names}的记录；以下是找到的最接近的资料，并非关于{names}本身。",
    },
    "named_in_other": {
        "en": "The document you named is not in my sources itself, but {by}, which is, refers to it:",
        "zh": "您提到的这份文件本身不在我的资料中，以下依据提到它的{by}：",
    },
    "nearest_real": {
        "en": "Records that do exist and are close to it: {refs}.",
        "zh": "资料中确实存在、与之相近的记录：{refs}。",
    },
    "help": {
        "en": "I help exporters with foreign technical barriers to trade. Ask me, in Chinese or English: what a product needs to enter a market (\"LED lamps to the UK\"), what a WTO notification says (G/TBT/N/…), recent rejections of a product (\"goji berries EU RASFF\"), past cases, or type \"report a barrier\" to file a report into China's national intake form.",
        "zh": "我帮助出口企业应对国外技术性贸易措施。您可以用中文或英文问我：某产品出口某市场需要什么（如“LED灯出口英国”）；某个WTO通报讲了什么（G/TBT/N/…）；某产品最近被通报／退运的情况（如“枸杞 欧盟 通报”）；以往案例；或输入“报告壁垒”，我会帮您填写《技术性贸易措施征集表》。",
    },
    "clarify_market": {"en": "Which market are you exporting {product} to?", "zh": "您的{product}要出口到哪个市场？"},
    "clarify_product": {"en": "Which product is it about (e.g. toys, LED lamps, tea)?", "zh": "请问是什么产品？（例如：玩具、LED灯、茶叶）"},
    "start_report": {"en": "Start a barrier report", "zh": "开始填写壁垒报告"},
    "report_offer": {
        "en": "If you have met this barrier yourself, I can take your report now and fill China's national intake form for you: type \"start report\".",
        "zh": "如果您的企业已经遇到了这一壁垒，我可以现在就帮您填写《技术性贸易措施征集表》：请输入“开始报告”。",
    },
    "detail_heading": {"en": "**Source {n} of the last answer: {ref}**", "zh": "**上一条回答的第{n}条来源：{ref}**"},
    "no_such_citation": {
        "en": "There is no source [{n}] in my last answer (it had {count}).",
        "zh": "上一条回答中没有第 {n} 条来源（共 {count} 条）。",
    },
    "no_previous": {
        "en": "There is no earlier answer in this conversation to open a source from. Ask a question first, for example: \"What certification do Bluetooth earphones need for the EU?\"",
        "zh": "本次对话中还没有可以展开的回答来源。请先提问，例如：“出口蓝牙耳机到欧盟需要什么认证？”",
    },
    "symbol_heading": {"en": "**{ref}**", "zh": "**{ref}**"},
    "family": {"en": "{core} and its follow-up documents ({count} in my sources):", "zh": "{core}及其后续文件（资料中共{count}份）："},
    "no_regs": {
        "en": "I found no regulation specific to {topic} in my sources.",
        "zh": "我的资料中没有找到专门针对{topic}的法规。",
    },
    "general_rules": {
        "en": "I found no rule that names {topic} specifically; these are the market's general product rules:",
        "zh": "没有找到专门针对{topic}的规定；以下是该市场的通用产品规则：",
    },
    "no_notifs": {
        "en": "I found no WTO notification on {topic} in my sources.",
        "zh": "我的资料中没有找到与{topic}相关的WTO通报。",
    },
    "cases_none": {
        "en": "My records hold no WTO dispute or trade-concern case on this; what I found is {refs}, which is no "
              "such case, so I won't present it as one.",
        "zh": "我的资料中没有关于这个问题的WTO争端或贸易关注案例；找到的{refs}并不是这样的案例，所以不把它当作答案。",
    },
    "no_alerts": {
        "en": "I found no rejection or alert record on {topic} from China in my sources.",
        "zh": "我的资料中没有找到{topic}原产中国的通报／出口受阻记录。",
    },
    "comment_today": {"en": "comments close today ({date})", "zh": "评议今天（{date}）截止"},
    "adopted": {"en": "adopted", "zh": "通过"},
    "outcome": {"en": "Outcome", "zh": "结果"},
    "how_to": {"en": "How to file", "zh": "填报方式"},
    "scope": {"en": "Scope", "zh": "适用范围"},
    "figures": {"en": "Figures", "zh": "相关数据"},
    "fields": {"en": "Fields", "zh": "填写项"},
    # the chat-length answer (assistant/answer/chat.py)
    "chat_more": {
        "en": "Reply \"more about source {n}\" to open a source in full.",
        "zh": "回复“第{n}条详细说说”可查看对应来源的详细内容。",
    },
    "chat_also": {"en": "You can also ask: {q}", "zh": "也可以问：{q}"},
    # the direct answer that opens every reply
    "direct_apply": {"en": "The main rules for {topic}: {items}.", "zh": "{topic}主要适用：{items}。"},
    "direct_apply_one": {"en": "The main rule for {topic}: {items}.", "zh": "{topic}主要适用：{items}。"},
    "direct_more": {"en": "Also in the text quoted", "zh": "所引资料还写明"},
    "direct_none": {
        "en": "My sources hold no sentence that answers this exactly; the closest records follow.",
        "zh": "资料中没有能直接回答这个问题的原句；以下是最相关的记录。",
    },
    "alerts_count": {
        "en": "I found {count} rejection/alert records on {topic} ({years}).",
        "zh": "检索到{topic}的通报／出口受阻记录{count}条（{years}）。",
    },
    "alerts_none_such": {
        "en": "None of the alerts I found matches the notifying country or year you named; here are all of them.",
        "zh": "检索到的通报中没有与您所说的通报国或年份相符的；以下是全部相关记录。",
    },
    "alerts_count_one": {
        "en": "I found 1 rejection/alert record on {topic} ({years}).",
        "zh": "检索到{topic}的通报／出口受阻记录1条（{years}）。",
    },
    "alerts_by": {"en": "notified by: {countries}.", "zh": "通报国：{countries}。"},
    "alerts_hazards": {"en": "main hazards: {hazards}.", "zh": "主要危害：{hazards}。"},
    "alerts_substances": {"en": "Substances named most: {substances}.", "zh": "涉及最多的物质：{substances}。"},
    "alerts_latest": {"en": "**Latest records**", "zh": "**最近的记录**"},
    "years_range": {"en": "{first}–{last}", "zh": "{first}–{last}年"},
    "years_one": {"en": "{first}", "zh": "{first}年"},
    # whether a rule applies today (assistant/answer/status.py)
    "st_repealed": {"en": "repealed", "zh": "已废止"},
    "st_repealed_from": {"en": "repealed from {date}", "zh": "自{date}起已废止"},
    "st_no_longer": {"en": "it no longer applies", "zh": "不再适用"},
    "st_replaced_by": {"en": "replaced by {by}", "zh": "由{by}取代"},
    "st_not_yet": {"en": "not yet applicable: applies from {date}", "zh": "尚未适用：自{date}起适用"},
    "st_to_be_repealed": {
        "en": "applies until it is repealed on {date}",
        "zh": "目前仍适用，将于{date}废止",
    },
    "no_longer_heading": {"en": "**No longer applicable**", "zh": "**已不再适用**"},
    "status_note": {"en": "Note: {ref} — {status}.", "zh": "注意：{ref}{status}。"},
    "st_label": {"en": "Status", "zh": "状态"},
    "event_date": {"en": "date of the event", "zh": "事件日期"},
    "more_alerts": {"en": "Also found: {refs}", "zh": "另有：{refs}"},
}


def phrase(key: str, lang: str, **kwargs: object) -> str:
    entry = PHRASES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**kwargs) if kwargs else text
