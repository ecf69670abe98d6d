/**
 * Wire types of Cairn's own HTTP routes, beside seed 003's: pipelines, run listings, run detail,
 * logs, replay. Cairn's types, so snake_case like the serde types (seed 003's types keep their
 * TypeScript camelCase). The route map is {@code docs/http-api.md}.
 */
package dev.cairn.contracts.api;
