package dev.assay.assembler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutlinerTest {

    @Test
    void pythonKeepsImportsDecoratorsAndSignatures() {
        String src = """
                import re
                from typing import List

                class Slugger:
                    separator: str

                    @staticmethod
                    def slugify(text: str,
                                sep: str = "-") -> str:
                        words = re.findall(r"\\w+", text)
                        return sep.join(words)
                """;
        assertThat(Outliner.outline("slug.py", src)).get().asString()
                .contains("import re", "from typing import List", "class Slugger:", "    separator: str", "@staticmethod",
                        "def slugify(text: str,", "sep: str = \"-\") -> str:", "        ...")
                .doesNotContain("findall", "return sep");
    }

    @Test
    void javaKeepsMemberSignaturesAndElidesBodies() {
        String src = """
                package demo;

                import java.util.List;

                /** Docs. */
                public class Slugger {
                    private final String sep = "{";

                    public String slugify(String text) {
                        if (text.isEmpty()) {
                            return "";
                        }
                        return text.toLowerCase();
                    }
                }
                """;
        assertThat(Outliner.outline("Slugger.java", src)).get().asString()
                .contains("package demo;", "import java.util.List;", "public class Slugger {", "private final String sep = \"{\";",
                        "public String slugify(String text) { ... }")
                .doesNotContain("toLowerCase", "Docs.");
    }

    @Test
    void javascriptKeepsFunctionsClassesAndExports() {
        String src = """
                import { x } from './x.js';
                export function slugify(text) {
                  if (!text) {
                    return '';
                  }
                  return text.trim();
                }
                const helper = (a) => a + 1;
                class Cache {
                  get(key) {
                    return this.map[key];
                  }
                }
                module.exports = { slugify };
                """;
        assertThat(Outliner.outline("slug.js", src)).get().asString()
                .contains("import { x }", "export function slugify(text) { ... }", "const helper = (a) => a + 1;",
                        "class Cache { ... }", "  get(key) { ... }", "module.exports")
                .doesNotContain("if (!text)", "text.trim()", "this.map");
    }

    @Test
    void hasNoOutlineForProseOrEmptyCode() {
        assertThat(Outliner.outline("README.md", "# Title\ntext")).isEmpty();
        assertThat(Outliner.outline("empty.py", "x = 1\n")).isEmpty();
    }
}
