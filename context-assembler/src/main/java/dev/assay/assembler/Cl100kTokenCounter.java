package dev.assay.assembler;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/** cl100k_base token counts. Special tokens in the text are counted as ordinary text, so hostile input cannot make it throw. */
final class Cl100kTokenCounter implements TokenCounter {
    static final Cl100kTokenCounter INSTANCE = new Cl100kTokenCounter();

    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private Cl100kTokenCounter() {
    }

    @Override
    public int count(String text) {
        return text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}
