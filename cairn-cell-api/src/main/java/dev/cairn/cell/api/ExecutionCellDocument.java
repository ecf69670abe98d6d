package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An execution-cell document: what to run in an isolated cell and under which authority. A
 * {@link CellBackend} maps it to host isolation primitives.
 *
 * <p>Wire form: camelCase, {@code {"apiVersion":"cellos.io/v1","kind":"ExecutionCell","spec":{…}}}.
 *
 * <p>The reference document is larger (typed authority variants, policy packs, DNS and SNI
 * authority, placement, formations). Cairn keeps what a cell backend needs to run one command
 * safely: the cell id and correlation, the command ({@link RunSpec}: argv, environment, working
 * directory, timeout, resource limits), the network and secret authority ({@link AuthorityBundle}),
 * the artifacts to export ({@link ExportSpec}) and a lifetime. Unknown fields are ignored on input,
 * so reference documents with more sections still read.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record ExecutionCellDocument(String apiVersion, String kind, ExecutionCellSpec spec) {

    /** The API version of the documents this type describes. */
    public static final String API_VERSION = "cellos.io/v1";

    /** The document kind. */
    public static final String KIND = "ExecutionCell";

    public ExecutionCellDocument {
        if (!API_VERSION.equals(apiVersion)) {
            throw CellException.invalidSpec("apiVersion must be \"" + API_VERSION + "\", got " + apiVersion);
        }
        if (!KIND.equals(kind)) {
            throw CellException.invalidSpec("kind must be \"" + KIND + "\", got " + kind);
        }
        Checks.required(spec, "spec");
    }

    /** A document for {@code spec} with the current API version and kind. */
    public static ExecutionCellDocument of(ExecutionCellSpec spec) {
        return new ExecutionCellDocument(API_VERSION, KIND, spec);
    }
}
