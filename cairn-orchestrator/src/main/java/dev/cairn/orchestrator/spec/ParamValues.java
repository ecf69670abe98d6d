package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The values of a pipeline's params for one run: every declared param, given or defaulted.
 *
 * @param values by param name
 */
public record ParamValues(SortedMap<String, ParamValue> values) {

    /** No params. */
    public static final ParamValues NONE = new ParamValues(new TreeMap<>());

    public ParamValues {
        values = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(values, "values")));
    }

    /** The value of {@code name}. */
    public Optional<ParamValue> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * {@code template} with every <code>${{ params.NAME }}</code> replaced by its value's {@link
     * ParamValue#text()}.
     *
     * @throws SpecException ({@code unknown_param} or {@code invalid_param_ref}) when a reference
     *     is malformed or names a param without a value
     */
    public String render(String template) {
        try {
            return Templates.render(template, values, null);
        } catch (IllegalArgumentException e) {
            Templates.Parsed parsed = Templates.parse(template);
            throw SpecException.unplaced(
                    "",
                    parsed.malformed().isPresent() ? SpecCode.INVALID_PARAM_REF : SpecCode.UNKNOWN_PARAM,
                    e.getMessage());
        }
    }

    /** The run manifest's {@code input_params}: an object of every param's {@link ParamValue#toJson()}. */
    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, ParamValue> entry : values.entrySet()) {
            out.set(entry.getKey(), entry.getValue().toJson());
        }
        return out;
    }
}
