// AST helpers for analyze.mjs and tamper.mjs: parsing with acorn, a parent map, and a small scope analysis that
// resolves every identifier reference to its binding (or to a global when nothing in the file declares it).
//
// Scopes follow the language closely enough for the analysis: functions (parameters, var, hoisted function
// declarations), blocks (let, const, class, block-level function declarations), catch clauses, for-statement heads,
// class and named function-expression names, and the module/script top level (imports included). `with` and direct
// `eval` are not modelled.

const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw', 'regex', 'bigint', 'sourceType']);

/** Child nodes of `node`, in source order. */
export function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (SKIP_KEYS.has(key)) {
      continue;
    }
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) {
        if (v && typeof v.type === 'string') {
          out.push(v);
        }
      }
    } else if (value && typeof value.type === 'string') {
      out.push(value);
    }
  }
  return out;
}

/**
 * Parses `source` with acorn: as a module first, then as a script (CommonJS allows a top-level return), unless the
 * extension decides (.mjs module, .cjs script).
 *
 * @returns {{ast: object, sourceType: string} | {error: string}}
 */
export function parse(acorn, source, file) {
  const base = { ecmaVersion: 'latest', locations: true, allowHashBang: true };
  const kinds = file.endsWith('.mjs') ? ['module'] : file.endsWith('.cjs') ? ['script'] : ['module', 'script'];
  let first = null;
  for (const sourceType of kinds) {
    try {
      const options = sourceType === 'script' ? { ...base, sourceType, allowReturnOutsideFunction: true } : { ...base, sourceType };
      return { ast: acorn.parse(source, options), sourceType };
    } catch (e) {
      first = first || e;
    }
  }
  return { error: first ? first.message : 'unparsable' };
}

export function isFunction(node) {
  return node && (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression'
    || node.type === 'ArrowFunctionExpression');
}

class Scope {
  constructor(node, parent, isFunctionScope) {
    this.node = node;
    this.parent = parent;
    this.isFunctionScope = isFunctionScope;
    this.bindings = new Map();
  }

  lookup(name) {
    for (let s = this; s; s = s.parent) {
      const b = s.bindings.get(name);
      if (b) {
        return b;
      }
    }
    return null;
  }
}

/**
 * A binding. `kind`: var, let, const, function, class, param, catch, import. `init`: the declarator's initializer
 * (or the function node for a function declaration); `path`: the property keys from the initializer down to this
 * name when it was destructured (`const {a: {b}} = x` gives b the path ['a', 'b']), null when not destructured.
 */
class Binding {
  constructor(name, kind, scope, declNode, init, pathKeys, extra) {
    this.name = name;
    this.kind = kind;
    this.scope = scope;
    this.declNode = declNode;
    this.init = init;
    this.path = pathKeys;
    this.references = [];
    this.writes = [];
    Object.assign(this, extra || {});
  }
}

/**
 * The scope analysis of a parsed file.
 *
 * @returns {{parents: Map, refs: Map, scopeOf: Map, program: Scope, bindings: Binding[]}}
 *   refs: Identifier node -> Binding, or null for a global; scopeOf: node -> the innermost scope it is in.
 */
export function analyzeScopes(ast) {
  const parents = new Map();
  const refs = new Map();
  const scopeOf = new Map();
  const all = [];

  const program = new Scope(ast, null, true);

  function declare(scope, id, kind, declNode, init, pathKeys, extra) {
    const b = new Binding(id.name, kind, scope, declNode, init, pathKeys, extra);
    // A later `var`/function of the same name in the same scope is the same binding; keep the first.
    if (!scope.bindings.has(id.name)) {
      scope.bindings.set(id.name, b);
      all.push(b);
    }
    refs.set(id, scope.bindings.get(id.name));
    return scope.bindings.get(id.name);
  }

  function declarePattern(scope, pattern, kind, declNode, init, pathKeys) {
    if (!pattern) {
      return;
    }
    switch (pattern.type) {
      case 'Identifier':
        declare(scope, pattern, kind, declNode, init, pathKeys);
        break;
      case 'ObjectPattern':
        for (const p of pattern.properties) {
          if (p.type === 'RestElement') {
            declarePattern(scope, p.argument, kind, declNode, init, null);
          } else {
            const key = !p.computed && p.key.type === 'Identifier' ? p.key.name
              : p.key.type === 'Literal' ? String(p.key.value) : null;
            declarePattern(scope, p.value, kind, declNode, init,
              pathKeys && key !== null ? [...pathKeys, key] : null);
          }
        }
        break;
      case 'ArrayPattern':
        for (const e of pattern.elements) {
          declarePattern(scope, e, kind, declNode, init, null);
        }
        break;
      case 'RestElement':
        declarePattern(scope, pattern.argument, kind, declNode, init, null);
        break;
      case 'AssignmentPattern':
        declarePattern(scope, pattern.left, kind, declNode, init, pathKeys);
        break;
      default:
        break;
    }
  }

  /** Hoists var declarations and (in function scopes) function declarations of a function body or program. */
  function hoistVars(node, scope) {
    const visit = (n) => {
      if (!n || typeof n.type !== 'string') {
        return;
      }
      if (n.type === 'VariableDeclaration' && n.kind === 'var') {
        for (const d of n.declarations) {
          declarePattern(scope, d.id, 'var', d, d.init, d.id.type === 'Identifier' ? null : []);
        }
      }
      if (isFunction(n) || n.type === 'ClassDeclaration' || n.type === 'ClassExpression') {
        return;
      }
      for (const c of children(n)) {
        visit(c);
      }
    };
    for (const c of children(node)) {
      visit(c);
    }
  }

  /** Declares the let/const/class/function declarations directly in a statement list. */
  function hoistLexical(statements, scope) {
    for (let s of statements) {
      if (s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration') {
        s = s.declaration || s;
      }
      if (!s) {
        continue;
      }
      if (s.type === 'VariableDeclaration' && s.kind !== 'var') {
        for (const d of s.declarations) {
          declarePattern(scope, d.id, s.kind, d, d.init, d.id.type === 'Identifier' ? null : []);
        }
      } else if (s.type === 'FunctionDeclaration' && s.id) {
        declare(scope, s.id, 'function', s, s, null);
      } else if (s.type === 'ClassDeclaration' && s.id) {
        declare(scope, s.id, 'class', s, s, null);
      } else if (s.type === 'ImportDeclaration') {
        for (const spec of s.specifiers) {
          declare(scope, spec.local, 'import', s, null, null, {
            importSource: String(s.source.value),
            importName: spec.type === 'ImportDefaultSpecifier' ? 'default'
              : spec.type === 'ImportNamespaceSpecifier' ? '*'
                : spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value),
          });
        }
      }
    }
  }

  function reference(id, scope, isWrite, writeNode) {
    const b = scope.lookup(id.name);
    refs.set(id, b);
    if (b) {
      b.references.push(id);
      if (isWrite) {
        b.writes.push(writeNode || id);
      }
    }
  }

  function visitPatternTarget(pattern, scope, writeNode) {
    // An assignment target: identifiers are written, member expressions and defaults are evaluated.
    if (!pattern) {
      return;
    }
    switch (pattern.type) {
      case 'Identifier':
        scopeOf.set(pattern, scope);
        reference(pattern, scope, true, writeNode);
        break;
      case 'ObjectPattern':
        for (const p of pattern.properties) {
          parents.set(p, pattern);
          if (p.type === 'RestElement') {
            parents.set(p.argument, p);
            visitPatternTarget(p.argument, scope, writeNode);
          } else {
            if (p.computed) {
              visit(p.key, p, scope);
            }
            parents.set(p.value, p);
            visitPatternTarget(p.value, scope, writeNode);
          }
        }
        break;
      case 'ArrayPattern':
        for (const e of pattern.elements) {
          if (e) {
            parents.set(e, pattern);
            visitPatternTarget(e, scope, writeNode);
          }
        }
        break;
      case 'RestElement':
        parents.set(pattern.argument, pattern);
        visitPatternTarget(pattern.argument, scope, writeNode);
        break;
      case 'AssignmentPattern':
        parents.set(pattern.left, pattern);
        visitPatternTarget(pattern.left, scope, writeNode);
        visit(pattern.right, pattern, scope);
        break;
      default:
        visit(pattern, parents.get(pattern), scope);
        break;
    }
  }

  function visitDeclPattern(pattern, scope) {
    // A declaration's pattern: identifiers were declared already; defaults and computed keys are evaluated.
    if (!pattern) {
      return;
    }
    scopeOf.set(pattern, scope);
    switch (pattern.type) {
      case 'Identifier':
        if (!refs.has(pattern)) {
          reference(pattern, scope, false);
        }
        break;
      case 'ObjectPattern':
        for (const p of pattern.properties) {
          parents.set(p, pattern);
          if (p.type === 'RestElement') {
            parents.set(p.argument, p);
            visitDeclPattern(p.argument, scope);
          } else {
            if (p.computed) {
              visit(p.key, p, scope);
            } else {
              parents.set(p.key, p);
            }
            parents.set(p.value, p);
            visitDeclPattern(p.value, scope);
          }
        }
        break;
      case 'ArrayPattern':
        for (const e of pattern.elements) {
          if (e) {
            parents.set(e, pattern);
            visitDeclPattern(e, scope);
          }
        }
        break;
      case 'RestElement':
        parents.set(pattern.argument, pattern);
        visitDeclPattern(pattern.argument, scope);
        break;
      case 'AssignmentPattern':
        parents.set(pattern.left, pattern);
        visitDeclPattern(pattern.left, scope);
        visit(pattern.right, pattern, scope);
        break;
      default:
        break;
    }
  }

  function visitFunction(node, scope) {
    const fnScope = new Scope(node, scope, true);
    if (node.type === 'FunctionExpression' && node.id) {
      // The name of a function expression is visible only inside it.
      const nameScope = new Scope(node, scope, false);
      declare(nameScope, node.id, 'function', node, node, null);
      fnScope.parent = nameScope;
    } else if (node.id) {
      parents.set(node.id, node);
      scopeOf.set(node.id, scope);
    }
    for (const p of node.params) {
      declarePattern(fnScope, p, 'param', node, null, null);
    }
    scopeOf.set(node, fnScope);
    for (const p of node.params) {
      parents.set(p, node);
      visitDeclPattern(p, fnScope);
    }
    parents.set(node.body, node);
    if (node.body.type === 'BlockStatement') {
      hoistVars(node.body, fnScope);
      hoistLexical(node.body.body, fnScope);
      scopeOf.set(node.body, fnScope);
      for (const s of node.body.body) {
        visit(s, node.body, fnScope);
      }
    } else {
      visit(node.body, node, fnScope);
    }
  }

  function visit(node, parent, scope) {
    if (!node || typeof node.type !== 'string') {
      return;
    }
    if (parent) {
      parents.set(node, parent);
    }
    scopeOf.set(node, scope);
    switch (node.type) {
      case 'Identifier':
        reference(node, scope, false);
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        visitFunction(node, scope);
        return;
      case 'ClassDeclaration':
      case 'ClassExpression': {
        let inner = scope;
        if (node.id) {
          parents.set(node.id, node);
          if (node.type === 'ClassExpression') {
            inner = new Scope(node, scope, false);
            declare(inner, node.id, 'class', node, node, null);
          }
        }
        if (node.superClass) {
          visit(node.superClass, node, inner);
        }
        visit(node.body, node, inner);
        return;
      }
      case 'MethodDefinition':
      case 'PropertyDefinition':
      case 'Property':
        if (node.computed) {
          visit(node.key, node, scope);
        } else {
          parents.set(node.key, node);
        }
        if (node.value) {
          if (node.type === 'Property' && node.shorthand && node.value.type === 'Identifier') {
            parents.set(node.value, node);
            scopeOf.set(node.value, scope);
            reference(node.value, scope, false);
          } else {
            visit(node.value, node, scope);
          }
        }
        return;
      case 'MemberExpression':
        visit(node.object, node, scope);
        if (node.computed) {
          visit(node.property, node, scope);
        } else {
          parents.set(node.property, node);
        }
        return;
      case 'LabeledStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
        if (node.label) {
          parents.set(node.label, node);
        }
        if (node.body) {
          visit(node.body, node, scope);
        }
        return;
      case 'MetaProperty':
        return;
      case 'ImportDeclaration':
        for (const s of node.specifiers) {
          parents.set(s, node);
          parents.set(s.local, s);
        }
        parents.set(node.source, node);
        return;
      case 'ExportNamedDeclaration':
        if (node.declaration) {
          visit(node.declaration, node, scope);
        } else if (!node.source) {
          for (const s of node.specifiers) {
            parents.set(s, node);
            if (s.local.type === 'Identifier') {
              parents.set(s.local, s);
              reference(s.local, scope, false);
            }
          }
        }
        return;
      case 'ExportAllDeclaration':
        return;
      case 'VariableDeclaration':
        for (const d of node.declarations) {
          parents.set(d, node);
          scopeOf.set(d, scope);
          parents.set(d.id, d);
          visitDeclPattern(d.id, scope);
          if (d.init) {
            visit(d.init, d, scope);
          }
        }
        return;
      case 'AssignmentExpression':
        parents.set(node.left, node);
        if (node.left.type === 'MemberExpression') {
          visit(node.left, node, scope);
        } else {
          scopeOf.set(node.left, scope);
          visitPatternTarget(node.left, scope, node);
        }
        visit(node.right, node, scope);
        return;
      case 'UpdateExpression':
        if (node.argument.type === 'Identifier') {
          parents.set(node.argument, node);
          scopeOf.set(node.argument, scope);
          reference(node.argument, scope, true, node);
        } else {
          visit(node.argument, node, scope);
        }
        return;
      case 'BlockStatement':
      case 'StaticBlock': {
        const block = new Scope(node, scope, node.type === 'StaticBlock');
        if (node.type === 'StaticBlock') {
          hoistVars(node, block);
        }
        hoistLexical(node.body, block);
        scopeOf.set(node, block);
        for (const s of node.body) {
          visit(s, node, block);
        }
        return;
      }
      case 'SwitchStatement': {
        visit(node.discriminant, node, scope);
        const block = new Scope(node, scope, false);
        hoistLexical(node.cases.flatMap((c) => c.consequent), block);
        for (const c of node.cases) {
          parents.set(c, node);
          scopeOf.set(c, block);
          if (c.test) {
            visit(c.test, c, block);
          }
          for (const s of c.consequent) {
            visit(s, c, block);
          }
        }
        return;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const head = new Scope(node, scope, false);
        const init = node.type === 'ForStatement' ? node.init : node.left;
        if (init && init.type === 'VariableDeclaration' && init.kind !== 'var') {
          hoistLexical([init], head);
        }
        for (const c of children(node)) {
          if (c === node.left && c.type !== 'VariableDeclaration') {
            parents.set(c, node);
            scopeOf.set(c, head);
            if (c.type === 'MemberExpression') {
              visit(c, node, head);
            } else {
              visitPatternTarget(c, head, node);
            }
          } else {
            visit(c, node, head);
          }
        }
        return;
      }
      case 'CatchClause': {
        const block = new Scope(node, scope, false);
        if (node.param) {
          declarePattern(block, node.param, 'catch', node, null, null);
          parents.set(node.param, node);
          visitDeclPattern(node.param, block);
        }
        visit(node.body, node, block);
        return;
      }
      default:
        for (const c of children(node)) {
          visit(c, node, scope);
        }
    }
  }

  hoistVars(ast, program);
  hoistLexical(ast.body, program);
  scopeOf.set(ast, program);
  for (const s of ast.body) {
    visit(s, ast, program);
  }
  return { parents, refs, scopeOf, program, bindings: all };
}

/** The string a property key or a computed member denotes when it is a literal, else null. */
export function staticKey(node, computed) {
  if (!computed && node.type === 'Identifier') {
    return node.name;
  }
  if (node.type === 'PrivateIdentifier') {
    return `#${node.name}`;
  }
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number')) {
    return String(node.value);
  }
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) {
    return node.quasis[0].value.cooked;
  }
  return null;
}
