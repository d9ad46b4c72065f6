package dev.assay.assembler;

import com.github.javaparser.JavaParser;
import com.github.javaparser.JavaToken;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
import com.github.javaparser.ast.body.EnumDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.SimpleName;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Java symbols through JavaParser: types (nested ones too), methods, constructors, fields and enum constants with
 * their signatures; every simple name used; the types named in declarations, casts and {@code new}; the imports.
 */
final class JavaSymbols implements SymbolExtractor {
    static final JavaSymbols INSTANCE = new JavaSymbols();

    private JavaSymbols() {
    }

    @Override
    public String commentMarker() {
        return "//";
    }

    @Override
    public FileSymbols extract(String content) {
        // A parser per call: JavaParser instances are not thread-safe, and requests are assembled in parallel.
        ParserConfiguration config = new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21)
                .setAttributeComments(false).setLexicalPreservationEnabled(false);
        ParseResult<CompilationUnit> result = new JavaParser(config).parse(content);
        CompilationUnit cu = result.getResult().orElseThrow(() -> new IllegalArgumentException(
                "JavaParser found no compilation unit: " + result.getProblems().stream().findFirst().map(Object::toString).orElse("")));
        List<FileSymbols.Definition> definitions = new ArrayList<>();
        for (TypeDeclaration<?> type : cu.getTypes()) {
            addType(type, 0, definitions);
        }
        Map<String, Integer> references = new HashMap<>();
        for (SimpleName name : cu.findAll(SimpleName.class)) {
            references.merge(name.getIdentifier(), 1, Integer::sum);
        }
        Set<String> types = new LinkedHashSet<>();
        cu.findAll(ClassOrInterfaceType.class).forEach(t -> types.add(t.getNameAsString()));
        List<String> imports = new ArrayList<>();
        for (ImportDeclaration i : cu.getImports()) {
            String name = i.getNameAsString();
            if (i.isAsterisk()) {
                imports.add(name + ".*");
            } else if (i.isStatic()) {
                // import static a.b.C.member: the file is C's.
                imports.add(name.substring(0, Math.max(0, name.lastIndexOf('.'))));
            } else {
                imports.add(name);
            }
        }
        return new FileSymbols(definitions, references, types, imports);
    }

    private static void addType(TypeDeclaration<?> type, int depth, List<FileSymbols.Definition> out) {
        out.add(new FileSymbols.Definition(type.getNameAsString(), FileSymbols.Kind.TYPE, depth, header(type)));
        if (type instanceof EnumDeclaration e) {
            for (EnumConstantDeclaration c : e.getEntries()) {
                out.add(new FileSymbols.Definition(c.getNameAsString(), FileSymbols.Kind.MEMBER_FIELD, depth + 1, c.getNameAsString() + ","));
            }
        }
        for (BodyDeclaration<?> member : type.getMembers()) {
            if (member instanceof TypeDeclaration<?> nested) {
                addType(nested, depth + 1, out);
            } else if (member instanceof CallableDeclaration<?> callable) {
                boolean hasBody = !(callable instanceof MethodDeclaration method) || method.getBody().isPresent();
                out.add(new FileSymbols.Definition(callable.getNameAsString(), FileSymbols.Kind.FUNCTION, depth + 1,
                        header(callable) + (hasBody ? " { … }" : ";")));
            } else if (member instanceof FieldDeclaration field) {
                field.getVariables().forEach(v -> out.add(new FileSymbols.Definition(v.getNameAsString(),
                        FileSymbols.Kind.MEMBER_FIELD, depth + 1, header(field) + ";")));
            }
        }
    }

    /**
     * The declaration's tokens up to its body or initializer ({@code {}, {@code =} or {@code ;} outside brackets),
     * comments dropped and whitespace collapsed: {@code public final class Gson}, {@code Object read(JsonReader in)}.
     */
    private static String header(Node node) {
        StringBuilder out = new StringBuilder();
        node.getTokenRange().ifPresent(range -> {
            int brackets = 0;
            for (JavaToken token : range) {
                String text = token.getText();
                if (token.getCategory().isComment()) {
                    continue;
                }
                if (brackets == 0 && (text.equals("{") || text.equals("=") || text.equals(";"))) {
                    break;
                }
                if (text.equals("(") || text.equals("<") || text.equals("[")) {
                    brackets++;
                } else if (text.equals(")") || text.equals(">") || text.equals("]")) {
                    brackets = Math.max(0, brackets - 1);
                } else if (text.equals(">>")) {
                    brackets = Math.max(0, brackets - 2);
                } else if (text.equals(">>>")) {
                    brackets = Math.max(0, brackets - 3);
                }
                if (token.getCategory().isWhitespaceOrComment()) {
                    if (!out.isEmpty() && out.charAt(out.length() - 1) != ' ') {
                        out.append(' ');
                    }
                } else {
                    out.append(text);
                }
            }
        });
        return out.toString().strip();
    }
}
