package dev.cairn.server;

/** Handles one request of a route: reads what it needs from the exchange and answers on it. */
@FunctionalInterface
interface RouteHandler {

    void handle(Exchange exchange) throws Exception;
}
