// Runs many SPARQL SELECT queries with Apache Jena ARQ in one JVM (tests/engines.py, run_arq).
//
// Usage: java -cp JENA_CLASSPATH ArqBatch.java JOBS
// JOBS is a UTF-8 file with one job per line: DATA<TAB>QUERY<TAB>OUT. DATA (an RDF file, read once
// per run into the default graph) is queried with the text of QUERY, parsed as strict SPARQL 1.1
// (Syntax.syntaxSPARQL_11, so ARQ's extensions are refused); the results are written to OUT as
// SPARQL JSON results. When the query cannot be parsed or run, OUT.error gets the message instead.

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.riot.RDFDataMgr;

public class ArqBatch {
    public static void main(String[] args) throws Exception {
        Map<String, Dataset> datasets = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            String[] job = line.split("\t");
            Dataset dataset = datasets.computeIfAbsent(job[0], RDFDataMgr::loadDataset);
            try {
                String text = Files.readString(Path.of(job[1]), StandardCharsets.UTF_8);
                Query query = QueryFactory.create(text, Syntax.syntaxSPARQL_11);
                ByteArrayOutputStream results = new ByteArrayOutputStream();
                try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
                    ResultSetFormatter.outputAsJSON(results, execution.execSelect());
                }
                Files.write(Path.of(job[2]), results.toByteArray());
            } catch (Exception error) {
                Files.writeString(Path.of(job[2] + ".error"), error.toString(), StandardCharsets.UTF_8);
            }
        }
    }
}
