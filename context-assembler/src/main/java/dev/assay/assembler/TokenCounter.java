package dev.assay.assembler;

/** Counts the tokens a text costs in a model prompt. */
public interface TokenCounter {

    int count(String text);

    /** OpenAI's cl100k_base BPE via jtokkit; other providers' tokenizers differ by a few percent. */
    static TokenCounter cl100k() {
        return Cl100kTokenCounter.INSTANCE;
    }
}
