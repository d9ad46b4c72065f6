"""Kind signals of one generated Python file (harness/PROTOCOL.md "Kind signals", the Python column).

What the code *is*, read from its `ast` with the names its imports and aliases give (assay_analyze.Names with
`calls`, the resolver the tamper rules use): HTTP endpoints (framework routes, handler classes, servers, Lambda-style
handlers), database queries (DB-API, asyncpg and SQLAlchemy calls, with the SQL when a literal is handed over),
migrations (Alembic operations and revision identifiers, Django migrations, DDL handed to a database) and
infrastructure (cloud and Kubernetes SDK calls, `subprocess` running their command-line tools).

Names alone never make a signal: a framework object must come from the framework's import, a database call must reach
a database module or be handed an SQL statement (a literal, or literal SQL around parts built at run time), and a route
decorator on a name the file does not resolve must be written with a path (`@app.get("/orders")`). One signal per kind
and line.
"""
import ast
import re

API = "API_ENDPOINT"
QUERY = "DB_QUERY"
MIGRATION = "MIGRATION"
INFRASTRUCTURE = "INFRASTRUCTURE"
MAX_REASON = 200
MAX_SQL = 10000

# Framework application and router classes: their instances' route methods are endpoints.
APPS = {"flask.Flask": "Flask", "flask.Blueprint": "Flask", "quart.Quart": "Quart", "quart.Blueprint": "Quart",
        "fastapi.FastAPI": "FastAPI", "fastapi.APIRouter": "FastAPI", "fastapi.routing.APIRouter": "FastAPI",
        "starlette.applications.Starlette": "Starlette", "starlette.routing.Router": "Starlette",
        "bottle.Bottle": "Bottle", "bottle.default_app": "Bottle", "sanic.Sanic": "Sanic", "sanic.Blueprint": "Sanic",
        "aiohttp.web.Application": "aiohttp", "aiohttp.web.RouteTableDef": "aiohttp",
        "tornado.web.Application": "Tornado"}
ROUTE_METHODS = frozenset(("route", "get", "post", "put", "delete", "patch", "head", "options", "api_route",
                           "websocket", "websocket_route", "add_url_rule", "add_api_route", "add_api_websocket_route",
                           "add_websocket_route", "add_route", "add_get", "add_post", "add_put", "add_delete",
                           "add_patch", "add_head", "add_view", "add_routes", "view", "mount", "run", "listen"))
# Route decorators on a name this file cannot resolve (an app imported from another module) count with a path.
DECORATOR_VERBS = frozenset(("route", "get", "post", "put", "delete", "patch", "api_route", "websocket"))


def _each(framework, what, *names):
    return {name: (framework, what) for name in names}


# Module-level functions and classes that declare routes, views or servers: (framework, what it is).
SERVING = {**_each("Bottle", "route", "bottle.route", "bottle.get", "bottle.post", "bottle.put", "bottle.delete",
                   "bottle.patch"),
           **_each("aiohttp", "route", "aiohttp.web.get", "aiohttp.web.post", "aiohttp.web.put", "aiohttp.web.delete",
                   "aiohttp.web.patch", "aiohttp.web.head", "aiohttp.web.route", "aiohttp.web.view"),
           **_each("Starlette", "route", "starlette.routing.Route", "starlette.routing.WebSocketRoute",
                   "starlette.routing.Mount"),
           **_each("Django", "route", "django.urls.path", "django.urls.re_path", "django.conf.urls.url"),
           **_each("Django", "view", "django.views.decorators.http.require_http_methods",
                   "django.views.decorators.http.require_GET", "django.views.decorators.http.require_POST",
                   "django.views.decorators.http.require_safe"),
           **_each("Django REST framework", "view", "rest_framework.decorators.api_view"),
           **_each("Bottle", "server", "bottle.run"), **_each("aiohttp", "server", "aiohttp.web.run_app"),
           **_each("uvicorn", "server", "uvicorn.run"), **_each("waitress", "server", "waitress.serve"),
           **_each("http.server", "server", "http.server.HTTPServer", "http.server.ThreadingHTTPServer"),
           **_each("socketserver", "server", "socketserver.TCPServer", "socketserver.ThreadingTCPServer",
                   "socketserver.ForkingTCPServer", "socketserver.UDPServer", "socketserver.ThreadingUDPServer",
                   "socketserver.UnixStreamServer"),
           **_each("wsgiref", "server", "wsgiref.simple_server.make_server", "wsgiref.simple_server.WSGIServer"),
           **_each("xmlrpc.server", "server", "xmlrpc.server.SimpleXMLRPCServer"),
           **_each("asyncio", "server", "asyncio.start_server")}
SERVER_METHODS = frozenset(("run", "listen"))
HANDLER_BASES = {"http.server.BaseHTTPRequestHandler": "http.server",
                 "http.server.SimpleHTTPRequestHandler": "http.server",
                 "http.server.CGIHTTPRequestHandler": "http.server",
                 "socketserver.BaseRequestHandler": "socketserver", "socketserver.StreamRequestHandler": "socketserver",
                 "socketserver.DatagramRequestHandler": "socketserver",
                 "wsgiref.simple_server.WSGIRequestHandler": "wsgiref",
                 "tornado.web.RequestHandler": "Tornado", "tornado.websocket.WebSocketHandler": "Tornado",
                 "django.views.View": "Django", "rest_framework.views.APIView": "Django REST framework",
                 "flask.views.MethodView": "Flask", "flask.views.View": "Flask",
                 "starlette.endpoints.HTTPEndpoint": "Starlette", "starlette.endpoints.WebSocketEndpoint": "Starlette",
                 "aiohttp.web.View": "aiohttp"}
HANDLER_PACKAGES = {"django.views.generic.": "Django", "rest_framework.generics.": "Django REST framework",
                    "rest_framework.viewsets.": "Django REST framework"}
HANDLER_METHODS = re.compile(r"^(do_[A-Z]+|get|post|put|delete|patch|head|options|handle|dispatch|list|create|"
                             r"retrieve|update|partial_update|destroy)$")

# Database modules: a call on anything they return that runs a statement is a query, connecting is one too.
DB_MODULES = ("sqlite3", "psycopg", "psycopg2", "psycopg_pool", "pymysql", "asyncpg", "MySQLdb", "mysql.connector",
              "aiosqlite", "aiomysql", "aiopg", "pyodbc", "cx_Oracle", "oracledb", "pymssql", "duckdb", "sqlalchemy",
              "databases")
QUERY_METHODS = frozenset(("execute", "executemany", "executescript", "fetch", "fetchrow", "fetchval", "copy_expert",
                           "copy_from", "copy_to", "exec_driver_sql", "query", "scalars", "scalar", "fetch_all",
                           "fetch_one", "fetch_val"))
CONNECT_METHODS = frozenset(("connect", "create_pool", "create_engine", "create_async_engine"))
SQL_TEXT = frozenset(("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"))
# Statement methods whose receiver this file does not resolve: a query when handed a literal SQL statement.
STATEMENT_METHODS = frozenset(("execute", "executemany", "executescript", "fetch", "fetchrow", "fetchval",
                               "exec_driver_sql"))
SQL_ARGUMENTS = ("sql", "query", "operation", "statement", "sql_script", "sqltext")

INFRASTRUCTURE_MODULES = (("boto3", "AWS SDK"), ("botocore", "AWS SDK"), ("aioboto3", "AWS SDK"),
                          ("aiobotocore", "AWS SDK"), ("google.cloud", "Google Cloud"), ("azure", "Azure SDK"),
                          ("kubernetes", "Kubernetes client"), ("kubernetes_asyncio", "Kubernetes client"))
# Calls that run a program: the index of the argument naming it (a command line for the shell variants).
PROCESS_CALLS = {"subprocess.run": 0, "subprocess.call": 0, "subprocess.check_call": 0, "subprocess.check_output": 0,
                 "subprocess.Popen": 0, "subprocess.getoutput": 0, "subprocess.getstatusoutput": 0, "os.system": 0,
                 "os.popen": 0, "os.execv": 0, "os.execvp": 0, "os.execvpe": 0, "os.execl": 0, "os.execlp": 0,
                 "os.spawnlp": 1, "os.spawnvp": 1, "asyncio.create_subprocess_exec": 0,
                 "asyncio.create_subprocess_shell": 0}
INFRASTRUCTURE_TOOLS = frozenset(("kubectl", "terraform", "terragrunt", "helm", "docker", "docker-compose", "podman",
                                  "aws", "gcloud", "gsutil", "az", "eksctl", "kustomize", "pulumi", "oc"))

# The top-level modules every rule above starts from: names rooted elsewhere need no resolving (assay_analyze.Names).
ROOTS = frozenset(q.split(".", 1)[0] for q in (
    list(APPS) + list(SERVING) + list(HANDLER_BASES) + list(HANDLER_PACKAGES) + list(DB_MODULES) + list(SQL_TEXT)
    + [m for m, _ in INFRASTRUCTURE_MODULES] + list(PROCESS_CALLS) + ["alembic", "django"]))

_COMMENTS = r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*"
# A literal that is an SQL statement, in the shapes that are not English: SELECT … FROM, INSERT INTO, UPDATE … SET, …
SQL_STATEMENT = re.compile(
    _COMMENTS + r"(?:select\s(?:.*?\sfrom\s|\s*[\d*'(])|insert\s+(?:or\s+\w+\s+)?into\s"
    r"|update\s+[\w.\"`\[\]]+\s+set\s|delete\s+from\s|replace\s+into\s|merge\s+into\s|upsert\s"
    r"|with\s+(?:recursive\s+)?[\w\"]+\s*(?:\([^)]*\)\s*)?as\s*\("
    r"|(?:create|drop)\s+(?:or\s+replace\s+)?(?:(?:temp|temporary|unique|materialized|virtual)\s+)*"
    r"(?:table|index|view|schema|database|sequence|trigger|type|extension|function|procedure)\s"
    r"|alter\s+(?:table|index|view|schema|database|sequence|type)\s|truncate\s+(?:table\s+)?[\w\"`]|pragma\s+\w)",
    re.IGNORECASE | re.DOTALL)
DDL = re.compile(r"(?:^|;)" + _COMMENTS + r"(?:create|alter|drop|truncate|rename)\s", re.IGNORECASE | re.DOTALL)


PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]")
FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


def is_sql(text):
    return text is not None and SQL_STATEMENT.match(text) is not None


def is_ddl(text):
    return text is not None and DDL.search(text) is not None


def signals(path, tree, names):
    """The kind signals of one parsed file; `names` is an assay_analyze.Names of the tree with `calls` (and `roots`
    ROOTS)."""
    return KindSignals(path, tree, names).run()


def _rooted(q, module):
    return q == module or q.startswith(module + ".")


def _shown(node):
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError, AttributeError):
        text = "?"
    return text if len(text) <= 80 else text[:79] + "\u2026"


class KindSignals:
    def __init__(self, path, tree, names):
        self.path = path
        self.tree = tree
        self.names = names
        self.found = {}
        self.decorators = set()
        self._constants = None

    def add(self, kind, node, reason, sql=None):
        line = getattr(node, "lineno", None)
        if sql is not None and len(sql) > MAX_SQL:
            sql = sql[:MAX_SQL - 1] + "\u2026"
        key = (kind, line)
        known = self.found.get(key)
        if known is None or (known["sql"] is None and sql is not None):
            self.found[key] = {"kind": kind, "path": self.path, "line": line, "reason": reason[:MAX_REASON],
                               "sql": sql}

    def run(self):
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.decorators.update(id(d) for d in node.decorator_list)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self.call(node)
            elif isinstance(node, ast.ClassDef):
                self.class_def(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for d in node.decorator_list:
                    if not isinstance(d, ast.Call):
                        self.serving(d, d, sorted(self.names.quals(d)))
        self.module_level()
        return sorted(self.found.values(), key=lambda s: (s["line"] or 0, s["kind"]))

    # --- what a call is ----------------------------------------------------------------------------------

    def call(self, node):
        quals = sorted(self.names.quals(node.func))  # in order: the same file gives the same reasons
        if (self.serving(node, node.func, quals) or self.database(node, quals) or self.migration(node, quals)
                or self.infrastructure(node, quals)):
            return
        self.unresolved(node)

    def serving(self, node, func, quals):
        """Routes, views, applications and servers of the web frameworks and the standard library."""
        at = "@" if id(node) in self.decorators else ""
        for q in quals:
            if q in SERVING or q in APPS:
                framework, what = SERVING[q] if q in SERVING else (APPS[q], "application")
                self.add(API, node, "%s %s %s%s" % (framework, what, at, self.shown_call(node, func)))
                return True
            ctor, _, rest = q.partition("()")
            method = rest.rsplit(".", 1)[-1]
            if ctor in APPS and rest.startswith(".") and "()" not in rest and method in ROUTE_METHODS:
                what = "server" if method in SERVER_METHODS else "route"
                self.add(API, node, "%s %s %s%s" % (APPS[ctor], what, at, self.shown_call(node, func)))
                return True
        return False

    def database(self, node, quals):
        for q in quals:
            module = next((m for m in DB_MODULES if _rooted(q, m)), None)
            if module is None:
                continue
            method = q.rsplit(".", 1)[-1]
            if q in SQL_TEXT or (method in QUERY_METHODS and "()" in q):
                self.query(node, "%s %s" % (module, self.shown_call(node, node.func, literal=False)),
                           *self.statement(node))
                return True
            if method in CONNECT_METHODS:
                self.add(QUERY, node, "%s connection %s" % (module, self.shown_call(node, node.func, literal=False)))
                return True
        return False

    def query(self, node, reason, sql, shape=None):
        """A statement handed to the database: a migration when it is DDL (also when built at run time)."""
        if is_ddl(shape if shape is not None else sql):
            self.add(MIGRATION, node, "DDL handed to the database: " + reason, sql)
        else:
            self.add(QUERY, node, reason, sql)

    def migration(self, node, quals):
        for q in quals:
            if _rooted(q, "alembic.op"):
                sql = self.statement(node)[0] if q == "alembic.op.execute" else None
                self.add(MIGRATION, node, "Alembic op." + q[len("alembic.op."):], sql)
                return True
            if q == "django.db.migrations.RunSQL":
                self.add(MIGRATION, node, "Django migrations.RunSQL", self.statement(node)[0])
                return True
        return False

    def infrastructure(self, node, quals):
        for q in quals:
            for module, label in INFRASTRUCTURE_MODULES:
                if _rooted(q, module):
                    self.add(INFRASTRUCTURE, node, "%s call %s" % (label, self.shown_call(node, node.func)))
                    return True
            index = PROCESS_CALLS.get(q)
            if index is not None:
                tool = self.program(node, index)
                if tool is not None:
                    self.add(INFRASTRUCTURE, node, "%s runs %s" % (q, tool))
                return True
        return False

    def unresolved(self, node):
        """Calls on names the file does not resolve to a known module: a statement method handed a literal SQL
        statement, or a route decorator written with a path."""
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr in STATEMENT_METHODS:
            sql, shape = self.statement(node)
            if is_sql(shape):
                built = "" if sql is not None else " built at run time"
                self.query(node, "%s() of an SQL statement%s" % (_shown(func), built), sql, shape)
        elif func.attr in DECORATOR_VERBS and id(node) in self.decorators:
            route = self.path_of(node)
            if route is not None and route.startswith("/"):
                self.add(API, node, "route decorator @%s(%r)" % (_shown(func), route))

    # --- declarations ------------------------------------------------------------------------------------

    def class_def(self, node):
        for base in node.bases:
            for q in sorted(self.names.quals(base)):
                if q == "django.db.migrations.Migration":
                    self.add(MIGRATION, node, "Django migration class %s" % node.name)
                    return
                framework = HANDLER_BASES.get(q) or next(
                    (f for prefix, f in HANDLER_PACKAGES.items() if q.startswith(prefix)), None)
                if framework is not None:
                    methods = [s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                               and HANDLER_METHODS.match(s.name)]
                    self.add(API, node, "%s handler class %s(%s)%s" % (
                        framework, node.name, q.rsplit(".", 1)[-1], (" with " + ", ".join(methods)) if methods else ""))
                    return

    def module_level(self):
        assigned = {}
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = stmt.args
                params = [p.arg for p in a.posonlyargs + a.args]
                if params == ["event", "context"] and not a.vararg and not a.kwonlyargs:
                    self.add(API, stmt, "AWS Lambda-style handler %s(event, context)" % stmt.name)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]):
                    if isinstance(t, ast.Name):
                        assigned.setdefault(t.id, stmt)
        if "revision" in assigned and "down_revision" in assigned:
            stmt = assigned["revision"]
            self.add(MIGRATION, stmt, "Alembic revision %s (down_revision %s)" % (
                _shown(stmt.value), _shown(assigned["down_revision"].value)))
        patterns = assigned.get("urlpatterns")
        if patterns is not None and not any(
                s["kind"] == API and patterns.lineno <= (s["line"] or 0) <= patterns.end_lineno
                for s in self.found.values()):
            self.add(API, patterns, "Django urlpatterns")

    # --- arguments ---------------------------------------------------------------------------------------

    def argument(self, node, index, keywords=()):
        if len(node.args) > index and not any(isinstance(a, ast.Starred) for a in node.args[:index + 1]):
            return node.args[index]
        return next((k.value for k in node.keywords if k.arg in keywords), None)

    def literal(self, node):
        """The string a node always is: a literal, a constant concatenation, a name bound once to one."""
        if node is None:
            return None
        text = self.names.const_string(node)
        if text is None and isinstance(node, ast.Name):
            text = self.constants().get(node.id)
        return text

    def constants(self):
        if self._constants is None:
            counts, values = {}, {}
            for n in ast.walk(self.tree):
                if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                    counts[n.id] = counts.get(n.id, 0) + 1
                if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
                    values[n.targets[0].id] = self.names.const_string(n.value)
            self._constants = {k: v for k, v in values.items() if v is not None and counts.get(k) == 1}
        return self._constants

    def statement(self, call):
        """(sql, shape) of the statement handed to a database call (also inside SQLAlchemy's text()): sql is its text
        when it is a literal, else None; shape is its text with `x` for each part built at run time (f-strings, `+`,
        `%` and `.format`), or None when nothing of it is literal."""
        arg = self.argument(call, 0, SQL_ARGUMENTS)
        if isinstance(arg, ast.Call) and self.names.quals(arg.func) & SQL_TEXT:
            arg = self.argument(arg, 0, ("text",))
        sql = self.literal(arg)
        return sql, sql if sql is not None else self.shape(arg)

    def shape(self, node):
        if node is None:
            return None
        text = self.literal(node)
        if text is not None:
            return text
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "x"
                           for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return (self.shape(node.left) or "x") + (self.shape(node.right) or "x")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = self.literal(node.left)
            return None if left is None else PERCENT_FIELD.sub("x", left)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            base = self.literal(node.func.value)
            return None if base is None else FORMAT_FIELD.sub("x", base)
        return None

    def path_of(self, call):
        arg = self.argument(call, 0, ("rule", "path", "uri", "url", "route"))
        return self.literal(arg)

    def shown_call(self, node, func, literal=True):
        """`app.get('/orders/<id>')`: the callee as written, with its first argument when that is a literal."""
        text = _shown(func)
        if not isinstance(node, ast.Call):
            return text
        first = self.literal(self.argument(node, 0)) if literal else None
        if first is not None:
            return "%s(%r)" % (text, first if len(first) <= 60 else first[:59] + "\u2026")
        return text + "()"

    def program(self, node, index):
        """The infrastructure tool a process call runs, or None."""
        arg = self.argument(node, index, ("args", "cmd", "command", "program", "file"))
        if isinstance(arg, (ast.List, ast.Tuple)) and arg.elts:
            first = self.literal(arg.elts[0])
        else:
            words = (self.literal(arg) or "").split()
            while words and ("=" in words[0] or words[0] in ("sudo", "env", "exec", "command")):
                words.pop(0)
            first = words[0] if words else None
        if first is None:
            return None
        tool = first.rsplit("/", 1)[-1]
        return tool if tool in INFRASTRUCTURE_TOOLS else None
