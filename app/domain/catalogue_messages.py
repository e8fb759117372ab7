"""The catalogue's refusal messages (中文, English); :mod:`app.domain.messages` holds them."""

from __future__ import annotations

CATALOGUE_MESSAGES: dict[str, tuple[str, str]] = {
    "barcode_empty": ("条码不能为空", "The barcode is empty"),
    "barcode_check_digit": (
        "条码 {barcode} 的校验位不对({kind} 的校验位应为 {digit}),请重新扫描或核对",
        "Barcode {barcode} has a wrong check digit (a {kind} would end in {digit}); "
        "scan it again or check it",
    ),
    "barcode_invalid": (
        "条码 {barcode} 不正确:店内自编码只能用 1-32 位字母、数字和 - . _",
        "Barcode {barcode} is not valid: a store's own code has 1-32 letters, digits, - . _",
    ),
    "barcode_taken": (
        "条码 {barcode} 已用于商品 {item}",
        "Barcode {barcode} is already used by item {item}",
    ),
    "item_code_invalid": (
        "商品编码 {value} 不正确:只能用 1-32 位字母、数字和 - . _",
        "Item code {value} is not valid: 1-32 letters, digits, - . _",
    ),
    "category_code_invalid": (
        "分类编码 {value} 不正确:只能用 1-32 位字母、数字和 - . _",
        "Category code {value} is not valid: 1-32 letters, digits, - . _",
    ),
    "item_name_length": (
        "商品名称须为 1-{limit} 个字",
        "The item name must have 1-{limit} characters",
    ),
    "category_name_length": (
        "分类名称须为 1-{limit} 个字",
        "The category name must have 1-{limit} characters",
    ),
    "item_price_invalid": (
        "价格须为 0 到 ¥1,000,000.00 之间的金额",
        "The price must be an amount from 0 to ¥1,000,000.00",
    ),
    "item_tier_unknown": (
        "会员价的等级 {tier} 在本店不存在",
        "The member price names tier {tier}, which this store does not have",
    ),
    "member_price_above_price": (
        "会员价({tier})不能高于零售价",
        "The member price ({tier}) cannot be above the list price",
    ),
    "category_multiplier_invalid": (
        "积分倍数须为 0 到 10 倍",
        "The points multiplier must be from 0 to 10 times",
    ),
    "item_barcodes_too_many": (
        "一个商品最多 {limit} 个条码",
        "An item has at most {limit} barcodes",
    ),
    "item_unit_invalid": (
        "单位 {unit} 太长(最多 8 个字)",
        "The unit {unit} is too long (8 at most)",
    ),
    "item_code_taken": ("商品编码 {item} 已存在", "Item code {item} already exists"),
    "category_code_taken": (
        "分类编码 {category} 已存在",
        "Category code {category} already exists",
    ),
    "item_unknown": ("没有找到商品 {item}", "No item {item}"),
    "category_unknown": ("没有找到分类 {category}", "No category {category}"),
    "catalogue_managed_by_hq": (
        "本店已接入总部:商品和分类由总部统一设置,请在总部修改",
        "This store is enrolled with HQ: items and categories are set at HQ; change them there",
    ),
    "hq_catalogue_managed_by_hq": (
        "门店已接入总部,商品资料以总部为准,收银台的修改不予接受",
        "The store is enrolled with HQ: HQ sets the catalogue, a counter's change is not taken",
    ),
    "item_import_has_errors": (
        "有 {errors} 行数据有错误,未导入任何商品;请先修正(试运行会逐行报告)",
        "{errors} row(s) have errors; no item was imported. Fix them first "
        "(a dry run reports every row)",
    ),
    "item_import_columns_missing": (
        "商品导入文件缺少必需的列:{fields}",
        "The item file lacks required columns: {fields}",
    ),
    "item_import_duplicate": (
        "与第 {line} 行的{what}重复",
        "Repeats the {what} of line {line}",
    ),
    "item_import_value": ("{column} 的值不正确:{value}", "Not a valid {column}: {value}"),
}
