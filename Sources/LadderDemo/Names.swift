/// Units and names of a province like the Hunan branch in the seeds (004).
enum Names {
    static let province = (id: "hunan", name: "湖南省公司集客中心")
    static let cities: [(id: String, name: String, weight: Double)] = [
        ("changsha", "长沙分公司", 3.0), ("zhuzhou", "株洲分公司", 1.2), ("xiangtan", "湘潭分公司", 1.0),
        ("hengyang", "衡阳分公司", 1.4), ("shaoyang", "邵阳分公司", 1.1), ("yueyang", "岳阳分公司", 1.3),
        ("changde", "常德分公司", 1.2), ("zhangjiajie", "张家界分公司", 0.5), ("yiyang", "益阳分公司", 0.9),
        ("chenzhou", "郴州分公司", 1.1), ("yongzhou", "永州分公司", 1.0), ("huaihua", "怀化分公司", 0.9),
        ("loudi", "娄底分公司", 0.8), ("xiangxi", "湘西分公司", 0.6),
    ]
    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文").map(String.init)
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅玲丹萍鹏辉飞鑫宇浩然轩欣怡思雨晨阳博文婷雪琳颖倩佳俊凯").map(String.init)

    static func person(_ rng: inout SeededRandom) -> String {
        rng.pick(surnames) + rng.pick(given) + (rng.chance(0.6) ? rng.pick(given) : "")
    }
}
