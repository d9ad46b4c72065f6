"""assay_analyze / assay_kinds: kind signals of generated files (PROTOCOL.md "Kind signals", the Python column)."""
import textwrap

import pytest

import assay_analyze
from conftest import run_analyzer, write_files


def signals(workspace, source, name="app.py", request=None):
    files = {name: textwrap.dedent(source).lstrip("\n")}
    files.update(request or {})
    write_files(workspace, files)
    report = assay_analyze.analyze({"root": str(workspace), "requestFiles": list(request or {}),
                                    "requestTests": [p for p in request or {} if p.startswith("test_")],
                                    "generated": [name], "targetPaths": [name]})
    for s in report["signals"]:
        assert set(s) == {"kind", "path", "line", "reason", "sql"}
        assert s["path"] == name and isinstance(s["line"], int) and s["line"] > 0 and s["reason"]
    return report["signals"]


def kinds(found):
    return sorted({s["kind"] for s in found})


def one(found, kind, line=None):
    matching = [s for s in found if s["kind"] == kind and (line is None or s["line"] == line)]
    assert len(matching) == 1, (kind, line, found)
    return matching[0]


# --- API_ENDPOINT ----------------------------------------------------------------------------------------------------

ENDPOINTS = [
    ("flask, aliased import", """
        from flask import Flask as F
        app = F(__name__)

        @app.get('/orders/<id>')
        def order(id):
            return {'id': id}
        """, 4, "Flask route @app.get('/orders/<id>')"),
    ("flask blueprint", """
        import flask
        bp = flask.Blueprint('orders', __name__)

        @bp.route('/orders', methods=['POST'])
        def create():
            return ''
        """, 4, "Flask route @bp.route('/orders')"),
    ("fastapi router", """
        from fastapi import APIRouter
        router = APIRouter()

        @router.post('/items')
        async def create(item: dict):
            return item
        """, 4, "FastAPI route @router.post('/items')"),
    ("fastapi add_api_route", """
        import fastapi
        app = fastapi.FastAPI()
        def ping():
            return 'pong'
        app.add_api_route('/ping', ping)
        """, 5, "FastAPI route app.add_api_route('/ping')"),
    ("starlette", """
        from starlette.routing import Route
        async def home(request):
            return None
        routes = [Route('/', home)]
        """, 4, "Starlette route Route('/')"),
    ("bottle", """
        from bottle import route
        @route('/hello/<name>')
        def hello(name):
            return name
        """, 2, "Bottle route @route('/hello/<name>')"),
    ("sanic", """
        from sanic import Sanic
        app = Sanic('shop')
        @app.route('/cart')
        async def cart(request):
            return None
        """, 3, "Sanic route @app.route('/cart')"),
    ("aiohttp router", """
        from aiohttp import web
        async def handle(request):
            return web.Response(text='ok')
        app = web.Application()
        app.router.add_get('/status', handle)
        """, 5, "aiohttp route app.router.add_get('/status')"),
    ("aiohttp route table", """
        from aiohttp import web
        routes = web.RouteTableDef()
        @routes.get('/')
        async def hello(request):
            return web.Response(text='hi')
        """, 3, "aiohttp route @routes.get('/')"),
    ("tornado handler", """
        import tornado.web
        class MainHandler(tornado.web.RequestHandler):
            def get(self):
                self.write('hi')
        """, 2, "Tornado handler class MainHandler(RequestHandler) with get"),
    ("django path", """
        from django.urls import path
        from . import views
        urlpatterns = [
            path('orders/<int:pk>/', views.order),
        ]
        """, 4, "Django route path('orders/<int:pk>/')"),
    ("django urlpatterns of unresolved routes", """
        from .compat import url
        from . import views
        urlpatterns = [url(r'^orders/$', views.orders)]
        """, 3, "Django urlpatterns"),
    ("django view decorator", """
        from django.views.decorators.http import require_GET
        @require_GET
        def orders(request):
            return None
        """, 2, "Django view @require_GET"),
    ("django class-based view", """
        from django.views.generic import ListView
        class Orders(ListView):
            pass
        """, 2, "Django handler class Orders(ListView)"),
    ("http.server handler", """
        from http.server import BaseHTTPRequestHandler
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
            def do_POST(self):
                pass
        """, 2, "http.server handler class Handler(BaseHTTPRequestHandler) with do_GET, do_POST"),
    ("http.server server, module alias", """
        import http.server as hs
        server = hs.ThreadingHTTPServer(('127.0.0.1', 8080), hs.SimpleHTTPRequestHandler)
        """, 2, "http.server server hs.ThreadingHTTPServer()"),
    ("wsgiref", """
        from wsgiref.simple_server import make_server
        def app(environ, start_response):
            return []
        make_server('', 8000, app).serve_forever()
        """, 4, "wsgiref server make_server('')"),
    ("socketserver", """
        import socketserver
        class Echo(socketserver.StreamRequestHandler):
            def handle(self):
                pass
        """, 2, "socketserver handler class Echo(StreamRequestHandler) with handle"),
    ("lambda handler", """
        import json
        def lambda_handler(event, context):
            return {'statusCode': 200, 'body': json.dumps(event)}
        """, 2, "AWS Lambda-style handler lambda_handler(event, context)"),
    ("route decorator on an app of another module", """
        from .app import app
        @app.post('/orders')
        def create():
            return ''
        """, 2, "route decorator @app.post('/orders')"),
]


@pytest.mark.parametrize("source,line,reason", [e[1:] for e in ENDPOINTS], ids=[e[0] for e in ENDPOINTS])
def test_endpoints(workspace, source, line, reason):
    s = one(signals(workspace, source), "API_ENDPOINT", line)
    assert s["reason"] == reason and s["sql"] is None


def test_flask_application_and_server(workspace):
    found = signals(workspace, """
        from flask import Flask
        app = Flask(__name__)
        if __name__ == '__main__':
            app.run(port=8080)
        """)
    assert [(s["line"], s["reason"]) for s in found] == [(2, "Flask application Flask()"),
                                                        (4, "Flask server app.run()")]


# --- DB_QUERY --------------------------------------------------------------------------------------------------------

def test_sqlite3_query_with_its_sql(workspace):
    found = signals(workspace, """
        import sqlite3
        def order(order_id):
            conn = sqlite3.connect('shop.db')
            cur = conn.cursor()
            cur.execute("SELECT * FROM orders WHERE id = ?", (order_id,))
            return cur.fetchone()
        """)
    assert [(s["kind"], s["line"]) for s in found] == [("DB_QUERY", 3), ("DB_QUERY", 5)]
    assert found[0]["reason"] == "sqlite3 connection sqlite3.connect()" and found[0]["sql"] is None
    assert found[1]["reason"] == "sqlite3 cur.execute()"
    assert found[1]["sql"] == "SELECT * FROM orders WHERE id = ?"


def test_psycopg2_through_with_blocks(workspace):
    found = signals(workspace, """
        import psycopg2 as pg
        def bump(dsn):
            with pg.connect(dsn) as conn:
                with conn.cursor() as cur:
                    cur.executemany("UPDATE stock SET qty = qty - 1 WHERE sku = %s", [('a',), ('b',)])
        """)
    s = one(found, "DB_QUERY", 5)
    assert s["reason"] == "psycopg2 cur.executemany()"
    assert s["sql"] == "UPDATE stock SET qty = qty - 1 WHERE sku = %s"


def test_annotated_connection_and_folded_sql(workspace):
    found = signals(workspace, """
        import pymysql
        def names(conn: pymysql.connections.Connection):
            cur = conn.cursor()
            cur.execute("SELECT name " + "FROM users " 'ORDER BY name')
            return cur.fetchall()
        """)
    assert one(found, "DB_QUERY", 4)["sql"] == "SELECT name FROM users ORDER BY name"


def test_asyncpg_awaited(workspace):
    found = signals(workspace, """
        import asyncpg
        async def rows():
            conn = await asyncpg.connect('postgresql://localhost/db')
            return await conn.fetch('SELECT id FROM events')
        """)
    assert one(found, "DB_QUERY", 4)["sql"] == "SELECT id FROM events"
    assert one(found, "DB_QUERY", 3)["reason"] == "asyncpg connection asyncpg.connect()"


def test_sqlalchemy_text_and_session(workspace):
    found = signals(workspace, """
        from sqlalchemy import create_engine, text, select
        from sqlalchemy.orm import Session

        engine = create_engine('sqlite://')

        def count():
            with engine.connect() as c:
                return c.execute(text("SELECT count(*) FROM users")).scalar()

        def users(session: Session, model):
            return session.execute(select(model)).all()
        """)
    assert one(found, "DB_QUERY", 8)["sql"] == "SELECT count(*) FROM users"
    s = one(found, "DB_QUERY", 11)
    assert s["reason"] == "sqlalchemy session.execute()" and s["sql"] is None


def test_sqlalchemy_text_alone(workspace):
    s = one(signals(workspace, "import sqlalchemy as sa\nQ = sa.text('DELETE FROM sessions WHERE expired')\n"),
            "DB_QUERY")
    assert s["sql"] == "DELETE FROM sessions WHERE expired" and s["reason"] == "sqlalchemy sa.text()"


def test_sql_from_a_constant_and_no_sql_when_built(workspace):
    found = signals(workspace, """
        import sqlite3
        QUERY = "SELECT * FROM t WHERE a = ?"
        db = sqlite3.connect(':memory:')
        def one(a):
            return db.execute(QUERY, (a,)).fetchone()
        def any_table(table):
            return db.execute(f"SELECT * FROM {table}").fetchall()
        """)
    assert one(found, "DB_QUERY", 5)["sql"] == "SELECT * FROM t WHERE a = ?"
    assert one(found, "DB_QUERY", 7)["sql"] is None


def test_unresolved_cursor_with_a_literal_statement(workspace):
    found = signals(workspace, """
        def record(cursor, user):
            cursor.execute("INSERT INTO audit (user) VALUES (%s)", (user,))
        """)
    s = one(found, "DB_QUERY", 2)
    assert s["reason"] == "cursor.execute() of an SQL statement"
    assert s["sql"] == "INSERT INTO audit (user) VALUES (%s)"


def test_statements_built_at_run_time(workspace):
    found = signals(workspace, """
        def find(cursor, name, table, column):
            cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
            cursor.execute("DELETE FROM %s WHERE id = %%s" % table, (1,))
            cursor.execute("UPDATE " + table + " SET flag = 1")
            cursor.execute("ALTER TABLE {} ADD COLUMN {} int".format(table, column))
        """)
    assert [(s["kind"], s["line"], s["reason"], s["sql"]) for s in found] == [
        ("DB_QUERY", 2, "cursor.execute() of an SQL statement built at run time", None),
        ("DB_QUERY", 3, "cursor.execute() of an SQL statement built at run time", None),
        ("DB_QUERY", 4, "cursor.execute() of an SQL statement built at run time", None),
        ("MIGRATION", 5, "DDL handed to the database: cursor.execute() of an SQL statement built at run time", None)]


# --- MIGRATION -------------------------------------------------------------------------------------------------------

def test_alembic_revision_and_operations(workspace):
    found = signals(workspace, """
        from alembic import op
        import sqlalchemy as sa

        revision = 'a1b2c3'
        down_revision = None

        def upgrade():
            op.add_column('orders', sa.Column('note', sa.String()))
            op.execute("UPDATE orders SET note = ''")

        def downgrade():
            op.drop_column('orders', 'note')
        """, name="versions/a1b2c3_note.py")
    assert kinds(found) == ["MIGRATION"]
    assert [(s["line"], s["reason"], s["sql"]) for s in found] == [
        (4, "Alembic revision 'a1b2c3' (down_revision None)", None),
        (8, "Alembic op.add_column", None),
        (9, "Alembic op.execute", "UPDATE orders SET note = ''"),
        (12, "Alembic op.drop_column", None)]


def test_alembic_aliased(workspace):
    s = one(signals(workspace, "from alembic import op as o\ndef upgrade():\n    o.drop_table('legacy')\n"),
            "MIGRATION")
    assert s["reason"] == "Alembic op.drop_table"


def test_django_migration(workspace):
    found = signals(workspace, """
        from django.db import migrations

        class Migration(migrations.Migration):
            dependencies = [('shop', '0001_initial')]
            operations = [migrations.RunSQL("DROP TABLE shop_legacy")]
        """)
    assert one(found, "MIGRATION", 3)["reason"] == "Django migration class Migration"
    assert one(found, "MIGRATION", 5)["sql"] == "DROP TABLE shop_legacy"


def test_ddl_handed_to_the_database_is_a_migration(workspace):
    found = signals(workspace, """
        import sqlite3
        def setup(path):
            conn = sqlite3.connect(path)
            conn.execute('''
                -- the schema
                CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY)
            ''')
            conn.executescript("INSERT INTO t VALUES (1); ALTER TABLE t ADD COLUMN b")
        """)
    s = one(found, "MIGRATION", 4)
    assert s["reason"] == "DDL handed to the database: sqlite3 conn.execute()"
    assert "CREATE TABLE IF NOT EXISTS orders" in s["sql"]
    assert one(found, "MIGRATION", 8)["sql"].endswith("ALTER TABLE t ADD COLUMN b")


# --- INFRASTRUCTURE --------------------------------------------------------------------------------------------------

INFRASTRUCTURE = [
    ("boto3", "import boto3\ns3 = boto3.client('s3')\ns3.put_object(Bucket='b', Key='k', Body=b'')\n",
     [(2, "AWS SDK call boto3.client('s3')"), (3, "AWS SDK call s3.put_object()")]),
    ("google cloud", "from google.cloud import storage\nclient = storage.Client()\n",
     [(2, "Google Cloud call storage.Client()")]),
    ("azure", "from azure.storage.blob import BlobServiceClient as B\nc = B.from_connection_string(cs)\n",
     [(2, "Azure SDK call B.from_connection_string()")]),
    ("kubernetes", "from kubernetes import client, config\nconfig.load_kube_config()\n"
                   "pods = client.CoreV1Api().list_pod_for_all_namespaces()\n",
     [(2, "Kubernetes client call config.load_kube_config()"),
      (3, "Kubernetes client call client.CoreV1Api().list_pod_for_all_namespaces()")]),
    ("subprocess list", "import subprocess\nsubprocess.run(['kubectl', 'apply', '-f', 'deploy.yaml'], check=True)\n",
     [(2, "subprocess.run runs kubectl")]),
    ("subprocess shell",
     "import subprocess\nsubprocess.check_call('TF_LOG=1 terraform apply -auto-approve', shell=True)\n",
     [(2, "subprocess.check_call runs terraform")]),
    ("os.system", "import os\nos.system('helm upgrade --install web ./chart')\n", [(2, "os.system runs helm")]),
    ("aliased run, absolute path", "from subprocess import run as r\nr(['/usr/bin/docker', 'build', '.'])\n",
     [(2, "subprocess.run runs docker")]),
]


@pytest.mark.parametrize("source,expected", [e[1:] for e in INFRASTRUCTURE], ids=[e[0] for e in INFRASTRUCTURE])
def test_infrastructure(workspace, source, expected):
    found = signals(workspace, source)
    assert kinds(found) == ["INFRASTRUCTURE"]
    assert [(s["line"], s["reason"]) for s in found] == expected


# --- what is none of them --------------------------------------------------------------------------------------------

NO_SIGNAL = {
    # clients, caches and decorators that are not routes; handlers by name only; a local class of a framework's name
    "http client": "import requests\nr = requests.get('http://localhost/orders')\n"
                   "r2 = requests.post('/orders', json={})\n",
    "dict get": "cache = {}\nvalue = cache.get('/orders')\n",
    "other decorator": "import functools\n@functools.lru_cache(maxsize=None)\ndef f(x):\n    return x\n",
    "decorator without a path": "from .registry import registry\n@registry.get('orders')\ndef f():\n    pass\n",
    "three parameters": "def handler(event, context, extra):\n    return event\n",
    "a method": "class A:\n    def handler(self, event, context):\n        return event\n",
    "local base class": "class BaseHTTPRequestHandler:\n    pass\n"
                        "class H(BaseHTTPRequestHandler):\n    def do_GET(self):\n        pass\n",
    "flask helper": "from flask import jsonify\ndef view(x):\n    return jsonify(x)\n",
    "urls": "urls = ['orders/']\n",
    # statement methods without a database or an SQL literal
    "runner": "def run(runner):\n    runner.execute('build')\n",
    "pool of tasks": "def run(pool, task):\n    return pool.execute(task)\n",
    "statement not literal": "def run(cursor, sql):\n    cursor.execute(sql)\n",
    "english": "def run(engine):\n    engine.execute('select the best option')\n",
    "sqlite3 helper": "import sqlite3\nsqlite3.register_adapter(int, str)\n",
    # a revision without a down_revision
    "revision": "revision = 3\n\ndef upgrade(x):\n    return x + 1\n",
    # processes and calls that are not infrastructure
    "ls": "import subprocess\nsubprocess.run(['ls', '-l'])\n",
    "program not literal": "import subprocess\ndef go(cmd):\n    return subprocess.run(cmd)\n",
    "echo": "import os\nos.system('echo docker')\n",
    "local client": "def client(name):\n    return name\nclient('s3')\n",
}


@pytest.mark.parametrize("source", list(NO_SIGNAL.values()), ids=list(NO_SIGNAL))
def test_no_signal(workspace, source):
    assert signals(workspace, source) == []


# --- which files -----------------------------------------------------------------------------------------------------

SERVER_TEST = """
    import threading
    from http.server import HTTPServer, BaseHTTPRequestHandler

    def test_serves():
        server = HTTPServer(('127.0.0.1', 0), BaseHTTPRequestHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        server.shutdown()
    """


def test_a_generated_test_that_starts_a_server_is_an_endpoint(workspace):
    s = one(signals(workspace, SERVER_TEST, name="test_server.py"), "API_ENDPOINT")
    assert s["reason"] == "http.server server HTTPServer()" and s["line"] == 5


def test_request_files_give_no_signals(workspace):
    found = signals(workspace, "def add(a, b):\n    return a + b\n", name="calc.py",
                    request={"test_server.py": textwrap.dedent(SERVER_TEST).lstrip("\n"),
                             "db.py": "import sqlite3\nsqlite3.connect('x').execute('SELECT 1 FROM t')\n"})
    assert found == []


def test_a_plain_library_function_gives_none(workspace):
    assert signals(workspace, """
        import math
        from typing import List

        def mean(xs: List[float]) -> float:
            '''The mean; select the values first.'''
            return math.fsum(xs) / len(xs) if xs else 0.0
        """) == []


def test_a_file_that_does_not_parse_gives_none(workspace):
    assert signals(workspace, "def f(:\n    import sqlite3\n") == []


def test_the_analysis_run_reports_signals(workspace):
    write_files(workspace, {"app.py": "import boto3\nboto3.client('ec2').terminate_instances(InstanceIds=ids)\n"})
    run = run_analyzer(workspace, generated=["app.py"]).assert_well_formed()
    assert [(s["kind"], s["line"]) for s in run.report["signals"]] == [("INFRASTRUCTURE", 2)]
