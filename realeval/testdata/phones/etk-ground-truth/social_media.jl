{"content":"Follow me on Twitter @ MiaXoxo_ and snap: mia.snaps","correct":{"twitter":"MiaXoxo_","snapchat":"mia.snaps"}}
{"content":"Add me on wechat id: hotmia22 or WhatsApp +44 7911 123456","correct":{"wechat":"hotmia22","whatsapp":"+44 7911 123456"}}
{"content":"Instagram @ann.fit","correct":{"instagram":"https://instagram.com/ann.fit"}}
