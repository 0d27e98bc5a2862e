#!/usr/bin/env python3
"""Embeds schema/*.sql into Sources/LadderStore/SchemaSQL.swift (run after editing the SQL)."""
import glob, os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = ['// Generated from schema/*.sql by tools/embed-schema.py; a test checks they agree.', '',
       'enum SchemaSQL {', '    static let migrations: [(name: String, sql: String)] = [']
for f in sorted(glob.glob(os.path.join(root, 'schema', '*.sql'))):
    out.append(f'        ("{os.path.basename(f)[:-4]}", #"""\n{open(f).read()}"""#),')
out += ['    ]', '', '    static let postgres: [(name: String, sql: String)] = [']
for f in sorted(glob.glob(os.path.join(root, 'schema', 'postgres', '*.sql'))):
    out.append(f'        ("{os.path.basename(f)[:-4]}", #"""\n{open(f).read()}"""#),')
out += ['    ]', '}', '']
open(os.path.join(root, 'Sources/LadderStore/SchemaSQL.swift'), 'w').write('\n'.join(out))
