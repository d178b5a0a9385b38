<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ExpertsPage</name>
    <message>
        <source>MergeLab evaluates the MoE ViT and Mixtral / Qwen2-MoE language models only</source>
        <translation>MergeLab evaluates the MoE ViT and Mixtral / Qwen2-MoE language models only</translation>
    </message>
    <message>
        <source>open a project with tasks to measure accuracy or perplexity</source>
        <translation>open a project with tasks to measure accuracy or perplexity</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>The project names no architecture (&quot;architecture&quot; in the project file), so its checkpoints cannot be run.</source>
        <translation>The project names no architecture (&quot;architecture&quot; in the project file), so its checkpoints cannot be run.</translation>
    </message>
    <message>
        <source>The project has no task with both a dataset and a classification head.</source>
        <translation>The project has no task with both a dataset and a classification head.</translation>
    </message>
</context>
<context>
    <name>mergelab::gui</name>
    <message>
        <source>%1 must be a finite number</source>
        <translation>%1 must be a finite number</translation>
    </message>
    <message>
        <source>%1 is a flag: 0 or 1</source>
        <translation>%1 is a flag: 0 or 1</translation>
    </message>
    <message>
        <source>%1 must be a whole number</source>
        <translation>%1 must be a whole number</translation>
    </message>
    <message>
        <source>%1 must be in %2%3, %4]</source>
        <translation>%1 must be in %2%3, %4]</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a number</source>
        <translation>%1: &quot;%2&quot; is not a number</translation>
    </message>
    <message>
        <source>unknown merge method &quot;%1&quot;</source>
        <translation>unknown merge method &quot;%1&quot;</translation>
    </message>
    <message>
        <source>override &quot;%1&quot;: %2 has no parameter &quot;%3&quot;</source>
        <translation>override &quot;%1&quot;: %2 has no parameter &quot;%3&quot;</translation>
    </message>
    <message>
        <source>override &quot;%1&quot;: %2 is set per task; overrides take global parameters</source>
        <translation>override &quot;%1&quot;: %2 is set per task; overrides take global parameters</translation>
    </message>
    <message>
        <source>override filter &quot;%1&quot;: %2</source>
        <translation>override filter &quot;%1&quot;: %2</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::CheckpointPage</name>
    <message>
        <source>Open a checkpoint file or a Hugging Face folder,
or drop one onto this window.</source>
        <translation>Open a checkpoint file or a Hugging Face folder,
or drop one onto this window.</translation>
    </message>
    <message>
        <source>Open File…</source>
        <translation>Open File…</translation>
    </message>
    <message>
        <source>Open Folder…</source>
        <translation>Open Folder…</translation>
    </message>
    <message>
        <source>Filter tensors by name (e.g. layers.3 or attn)</source>
        <translation>Filter tensors by name (e.g. layers.3 or attn)</translation>
    </message>
    <message>
        <source>Tensor name filter</source>
        <translation>Tensor name filter</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>Tensors</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 tensors · %4 parameters (%5) · %6 · index read in %7 ms</source>
        <translation>%1 · %2 · %3 tensors · %4 parameters (%5) · %6 · index read in %7 ms</translation>
    </message>
    <message>
        <source>Metadata:
%1</source>
        <translation>Metadata:
%1</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::DemoOfferDialog</name>
    <message>
        <source>Building the demo model set</source>
        <translation>Building the demo model set</translation>
    </message>
    <message>
        <source>Welcome to MergeLab</source>
        <translation>Welcome to MergeLab</translation>
    </message>
    <message>
        <source>No project is open. Open the demo model set (%1)?</source>
        <translation>No project is open. Open the demo model set (%1)?</translation>
    </message>
    <message>
        <source>Do not offer this at start</source>
        <translation>Do not offer this at start</translation>
    </message>
    <message>
        <source>Do not offer the demo at start</source>
        <translation>Do not offer the demo at start</translation>
    </message>
    <message>
        <source>&amp;Build Demo</source>
        <translation>&amp;Build Demo</translation>
    </message>
    <message>
        <source>&amp;Open Demo</source>
        <translation>&amp;Open Demo</translation>
    </message>
    <message>
        <source>Build the demo model set</source>
        <translation>Build the demo model set</translation>
    </message>
    <message>
        <source>Open the demo model set</source>
        <translation>Open the demo model set</translation>
    </message>
    <message>
        <source>Not Now</source>
        <translation>Not Now</translation>
    </message>
    <message>
        <source>Close without opening a project</source>
        <translation>Close without opening a project</translation>
    </message>
    <message>
        <source>No project is open. MergeLab can build its demo model set: a small vision transformer pretrained here and six fine-tuned models, one per task. Building takes about ten minutes and writes about 50 MB into %1.</source>
        <translation>No project is open. MergeLab can build its demo model set: a small vision transformer pretrained here and six fine-tuned models, one per task. Building takes about ten minutes and writes about 50 MB into %1.</translation>
    </message>
    <message>
        <source>Building the language-model set</source>
        <translation>Building the language-model set</translation>
    </message>
    <message>
        <source>Beside it, the language-model set: a small Llama-architecture model with its own tokenizer, pretrained here on text Debian ships, and four fine-tunes (code, arithmetic, verse, definitions). Building it takes about 17 minutes on two cores; the quick version (smaller, for a first look) about a minute. Written into %1.</source>
        <translation>Beside it, the language-model set: a small Llama-architecture model with its own tokenizer, pretrained here on text Debian ships, and four fine-tunes (code, arithmetic, verse, definitions). Building it takes about 17 minutes on two cores; the quick version (smaller, for a first look) about a minute. Written into %1.</translation>
    </message>
    <message>
        <source>The language-model set is in %1.</source>
        <translation>The language-model set is in %1.</translation>
    </message>
    <message>
        <source>Build &amp;Language Models</source>
        <translation>Build &amp;Language Models</translation>
    </message>
    <message>
        <source>Open &amp;Language Models</source>
        <translation>Open &amp;Language Models</translation>
    </message>
    <message>
        <source>Build the language-model set (about 17 minutes)</source>
        <translation>Build the language-model set (about 17 minutes)</translation>
    </message>
    <message>
        <source>Open the language-model set</source>
        <translation>Open the language-model set</translation>
    </message>
    <message>
        <source>&amp;Quick Language Models</source>
        <translation>&amp;Quick Language Models</translation>
    </message>
    <message>
        <source>Build the small language-model set (about a minute)</source>
        <translation>Build the small language-model set (about a minute)</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::DiagnosticsPage</name>
    <message>
        <source>Sharpness radius rho</source>
        <translation>Sharpness radius rho</translation>
    </message>
    <message>
        <source>Radius of the normalised ascent step that measures sharpness</source>
        <translation>Radius of the normalised ascent step that measures sharpness</translation>
    </message>
    <message>
        <source>Task-vector coefficient alpha</source>
        <translation>Task-vector coefficient alpha</translation>
    </message>
    <message>
        <source>Coefficient of every task vector when measuring the disentanglement error</source>
        <translation>Coefficient of every task vector when measuring the disentanglement error</translation>
    </message>
    <message>
        <source>Samples per task</source>
        <translation>Samples per task</translation>
    </message>
    <message>
        <source>&amp;Compute</source>
        <translation>&amp;Compute</translation>
    </message>
    <message>
        <source>Measure sharpness and disentanglement error of the project&apos;s fine-tunes</source>
        <translation>Measure sharpness and disentanglement error of the project&apos;s fine-tunes</translation>
    </message>
    <message>
        <source>Open a model set to see how well its fine-tunes will merge.</source>
        <translation>Open a model set to see how well its fine-tunes will merge.</translation>
    </message>
    <message>
        <source>ρ:</source>
        <translation>ρ:</translation>
    </message>
    <message>
        <source>α:</source>
        <translation>α:</translation>
    </message>
    <message>
        <source>Samples per task:</source>
        <translation>Samples per task:</translation>
    </message>
    <message>
        <source>Sharpness per fine-tune</source>
        <translation>Sharpness per fine-tune</translation>
    </message>
    <message>
        <source>Weight-disentanglement error (%)</source>
        <translation>Weight-disentanglement error (%)</translation>
    </message>
    <message>
        <source>predictions changed (%)</source>
        <translation>predictions changed (%)</translation>
    </message>
    <message>
        <source>Weight-disentanglement error matrix</source>
        <translation>Weight-disentanglement error matrix</translation>
    </message>
    <message>
        <source>First task of the surface</source>
        <translation>First task of the surface</translation>
    </message>
    <message>
        <source>Second task of the surface</source>
        <translation>Second task of the surface</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Accuracy</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>Surface metric</source>
        <translation>Surface metric</translation>
    </message>
    <message>
        <source>Coefficient step</source>
        <translation>Coefficient step</translation>
    </message>
    <message>
        <source>Compute &amp;surface</source>
        <translation>Compute &amp;surface</translation>
    </message>
    <message>
        <source>Surface over</source>
        <translation>Surface over</translation>
    </message>
    <message>
        <source>and</source>
        <translation>and</translation>
    </message>
    <message>
        <source>step</source>
        <translation>step</translation>
    </message>
    <message>
        <source>Loss or accuracy over two task coefficients</source>
        <translation>Loss or accuracy over two task coefficients</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <source>This project needs fine-tuned models, an architecture and task data for diagnostics.</source>
        <translation>This project needs fine-tuned models, an architecture and task data for diagnostics.</translation>
    </message>
    <message>
        <source>Measuring sharpness and disentanglement of %1 fine-tunes…</source>
        <translation>Measuring sharpness and disentanglement of %1 fine-tunes…</translation>
    </message>
    <message>
        <source>Mergeability diagnostics of %1</source>
        <translation>Mergeability diagnostics of %1</translation>
    </message>
    <message>
        <source>Choose two different tasks.</source>
        <translation>Choose two different tasks.</translation>
    </message>
    <message>
        <source>Evaluating %1 points…</source>
        <translation>Evaluating %1 points…</translation>
    </message>
    <message>
        <source>Coefficient surface %1 × %2</source>
        <translation>Coefficient surface %1 × %2</translation>
    </message>
    <message>
        <source>sharpness</source>
        <translation>sharpness</translation>
    </message>
    <message>
        <source>loss rise at ρ = %1</source>
        <translation>loss rise at ρ = %1</translation>
    </message>
    <message>
        <source>Sharpness per fine-tune on its task (ρ = %1)</source>
        <translation>Sharpness per fine-tune on its task (ρ = %1)</translation>
    </message>
    <message>
        <source>all</source>
        <translation>all</translation>
    </message>
    <message>
        <source>Weight-disentanglement error (%) at α = %1</source>
        <translation>Weight-disentanglement error (%) at α = %1</translation>
    </message>
    <message>
        <source>Mean sharpness %1 · disentanglement error: pairs %2%, all tasks %3% · %4 samples per task (%5)</source>
        <translation>Mean sharpness %1 · disentanglement error: pairs %2%, all tasks %3% · %4 samples per task (%5)</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>accuracy (%)</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>loss</translation>
    </message>
    <message>
        <source>Mean accuracy on %1 and %2 (%) at base + a·τ(%1) + b·τ(%2); rows a, columns b</source>
        <translation>Mean accuracy on %1 and %2 (%) at base + a·τ(%1) + b·τ(%2); rows a, columns b</translation>
    </message>
    <message>
        <source>Mean loss on %1 and %2 at base + a·τ(%1) + b·τ(%2); rows a, columns b</source>
        <translation>Mean loss on %1 and %2 at base + a·τ(%1) + b·τ(%2); rows a, columns b</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 points</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ExpertsPage</name>
    <message>
        <source>No MoE checkpoint open</source>
        <translation>No MoE checkpoint open</translation>
    </message>
    <message>
        <source>MoE checkpoint</source>
        <translation>MoE checkpoint</translation>
    </message>
    <message>
        <source>Open MoE &amp;File…</source>
        <translation>Open MoE &amp;File…</translation>
    </message>
    <message>
        <source>Open a Mixture-of-Experts checkpoint file (.safetensors, .bin, .h5)</source>
        <translation>Open a Mixture-of-Experts checkpoint file (.safetensors, .bin, .h5)</translation>
    </message>
    <message>
        <source>Open MoE F&amp;older…</source>
        <translation>Open MoE F&amp;older…</translation>
    </message>
    <message>
        <source>Open a Hugging Face style folder with config.json</source>
        <translation>Open a Hugging Face style folder with config.json</translation>
    </message>
    <message>
        <source>MoE layer</source>
        <translation>MoE layer</translation>
    </message>
    <message>
        <source>The MoE layer whose experts are shown</source>
        <translation>The MoE layer whose experts are shown</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Model:</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>Layer:</translation>
    </message>
    <message>
        <source>Open an MoE checkpoint, or a project with one among its models.</source>
        <translation>Open an MoE checkpoint, or a project with one among its models.</translation>
    </message>
    <message>
        <source>Expert similarity</source>
        <translation>Expert similarity</translation>
    </message>
    <message>
        <source>cosine similarity of expert weights</source>
        <translation>cosine similarity of expert weights</translation>
    </message>
    <message>
        <source>Expert merge tree</source>
        <translation>Expert merge tree</translation>
    </message>
    <message>
        <source>Experts kept per layer:</source>
        <translation>Experts kept per layer:</translation>
    </message>
    <message>
        <source>Experts kept per layer</source>
        <translation>Experts kept per layer</translation>
    </message>
    <message>
        <source>K: each layer&apos;s experts are grouped into K groups by the merge tree</source>
        <translation>K: each layer&apos;s experts are grouped into K groups by the merge tree</translation>
    </message>
    <message>
        <source>&amp;Merge to K…</source>
        <translation>&amp;Merge to K…</translation>
    </message>
    <message>
        <source>Merge each group&apos;s experts and router rows into one expert and write a new checkpoint</source>
        <translation>Merge each group&apos;s experts and router rows into one expert and write a new checkpoint</translation>
    </message>
    <message>
        <source>Open MoE Checkpoint</source>
        <translation>Open MoE Checkpoint</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.bin *.pt *.pth *.h5);;All files (*)</source>
        <translation>Checkpoints (*.safetensors *.bin *.pt *.pth *.h5);;All files (*)</translation>
    </message>
    <message>
        <source>Open MoE Checkpoint Folder</source>
        <translation>Open MoE Checkpoint Folder</translation>
    </message>
    <message>
        <source>Analysis cancelled.</source>
        <translation>Analysis cancelled.</translation>
    </message>
    <message>
        <source>Merge cancelled; nothing was written.</source>
        <translation>Merge cancelled; nothing was written.</translation>
    </message>
    <message>
        <source>Merge failed: %1</source>
        <translation>Merge failed: %1</translation>
    </message>
    <message>
        <source>Analysing the experts of %1…</source>
        <translation>Analysing the experts of %1…</translation>
    </message>
    <message>
        <source>Looking for an MoE checkpoint among the project&apos;s models…</source>
        <translation>Looking for an MoE checkpoint among the project&apos;s models…</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>Layer %1</translation>
    </message>
    <message>
        <source>e%1</source>
        <translation>e%1</translation>
    </message>
    <message>
        <source>Merge tree, layer %1 (average linkage)</source>
        <translation>Merge tree, layer %1 (average linkage)</translation>
    </message>
    <message>
        <source>Expert similarity (weights), layer %1</source>
        <translation>Expert similarity (weights), layer %1</translation>
    </message>
    <message>
        <source>Experts kept per layer: %1</source>
        <translation>Experts kept per layer: %1</translation>
    </message>
    <message>
        <source>e%1 (%2)</source>
        <translation>e%1 (%2)</translation>
    </message>
    <message>
        <source>saves %1 of %2 parameters (%3%)</source>
        <translation>saves %1 of %2 parameters (%3%)</translation>
    </message>
    <message>
        <source>&amp;Merge to %1…</source>
        <translation>&amp;Merge to %1…</translation>
    </message>
    <message>
        <source>Write Merged MoE (folder)</source>
        <translation>Write Merged MoE (folder)</translation>
    </message>
    <message>
        <source>Merging every layer to %1 experts into %2…</source>
        <translation>Merging every layer to %1 experts into %2…</translation>
    </message>
    <message>
        <source>Merge experts to %1</source>
        <translation>Merge experts to %1</translation>
    </message>
    <message>
        <source>Written %1: %2 → %3 experts per layer, %4 → %5 parameters.</source>
        <translation>Written %1: %2 → %3 experts per layer, %4 → %5 parameters.</translation>
    </message>
    <message>
        <source>Average accuracy %1 → %2 (%3% retained).</source>
        <translation>Average accuracy %1 → %2 (%3% retained).</translation>
    </message>
    <message>
        <source>No accuracy: %1.</source>
        <translation>No accuracy: %1.</translation>
    </message>
    <message>
        <source>No Mixture-of-Experts checkpoint in this project. Open one with the buttons above (e.g. a model written by mergelab-cli btx).</source>
        <translation>No Mixture-of-Experts checkpoint in this project. Open one with the buttons above (e.g. a model written by mergelab-cli btx).</translation>
    </message>
    <message>
        <source>Expert similarity (outputs on the project&apos;s val text), layer %1</source>
        <translation>Expert similarity (outputs on the project&apos;s val text), layer %1</translation>
    </message>
    <message>
        <source>cosine similarity of expert outputs</source>
        <translation>cosine similarity of expert outputs</translation>
    </message>
    <message>
        <source>Perplexity on the test texts %1 → %2 (geometric mean; lower is better).</source>
        <translation>Perplexity on the test texts %1 → %2 (geometric mean; lower is better).</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ExportDialog</name>
    <message>
        <source>Export Merged Checkpoint</source>
        <translation>Export Merged Checkpoint</translation>
    </message>
    <message numerus="yes">
        <source>Merge: %1 of %n fine-tuned model(s) onto %2.</source>
        <translation>
            <numerusform>Merge: %1 of %n fine-tuned model onto %2.</numerusform>
            <numerusform>Merge: %1 of %n fine-tuned models onto %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>no base</source>
        <translation>no base</translation>
    </message>
    <message>
        <source>safetensors, one file</source>
        <translation>safetensors, one file</translation>
    </message>
    <message>
        <source>safetensors, sharded folder</source>
        <translation>safetensors, sharded folder</translation>
    </message>
    <message>
        <source>HDF5 (.h5)</source>
        <translation>HDF5 (.h5)</translation>
    </message>
    <message>
        <source>Output format</source>
        <translation>Output format</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>Keep the base&apos;s dtype</source>
        <translation>Keep the base&apos;s dtype</translation>
    </message>
    <message>
        <source>Output dtype</source>
        <translation>Output dtype</translation>
    </message>
    <message>
        <source>&amp;DType:</source>
        <translation>&amp;DType:</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Largest shard size in megabytes</source>
        <translation>Largest shard size in megabytes</translation>
    </message>
    <message>
        <source>Largest shard of a sharded folder (1 MB = 1,000,000 bytes).</source>
        <translation>Largest shard of a sharded folder (1 MB = 1,000,000 bytes).</translation>
    </message>
    <message>
        <source>&amp;Shard size:</source>
        <translation>&amp;Shard size:</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>Destination</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Browse…</translation>
    </message>
    <message>
        <source>Choose the destination</source>
        <translation>Choose the destination</translation>
    </message>
    <message>
        <source>D&amp;estination:</source>
        <translation>D&amp;estination:</translation>
    </message>
    <message>
        <source>Export progress</source>
        <translation>Export progress</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>Accuracy (%)</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Samples</translation>
    </message>
    <message>
        <source>Accuracy of the exported checkpoint per task</source>
        <translation>Accuracy of the exported checkpoint per task</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Export</translation>
    </message>
    <message>
        <source>Start the export</source>
        <translation>Start the export</translation>
    </message>
    <message>
        <source>E&amp;valuate on Test Split</source>
        <translation>E&amp;valuate on Test Split</translation>
    </message>
    <message>
        <source>Evaluate the exported checkpoint on the test split</source>
        <translation>Evaluate the exported checkpoint on the test split</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Cancel the running job, or close</source>
        <translation>Cancel the running job, or close</translation>
    </message>
    <message>
        <source>Accuracy of the written checkpoint on every task&apos;s test split.</source>
        <translation>Accuracy of the written checkpoint on every task&apos;s test split.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Export to Folder</source>
        <translation>Export to Folder</translation>
    </message>
    <message>
        <source>Folders (*)</source>
        <translation>Folders (*)</translation>
    </message>
    <message>
        <source>HDF5 checkpoints (*.h5)</source>
        <translation>HDF5 checkpoints (*.h5)</translation>
    </message>
    <message>
        <source>safetensors checkpoints (*.safetensors)</source>
        <translation>safetensors checkpoints (*.safetensors)</translation>
    </message>
    <message>
        <source>Export to File</source>
        <translation>Export to File</translation>
    </message>
    <message>
        <source>Choose a destination first.</source>
        <translation>Choose a destination first.</translation>
    </message>
    <message>
        <source>%1 already exists; choose another name (an export never replaces a file).</source>
        <translation>%1 already exists; choose another name (an export never replaces a file).</translation>
    </message>
    <message>
        <source>%1: the folder does not exist.</source>
        <translation>%1: the folder does not exist.</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>Exporting to %1…</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>Export %1</translation>
    </message>
    <message>
        <source>Evaluating %1 on the test split…</source>
        <translation>Evaluating %1 on the test split…</translation>
    </message>
    <message>
        <source>Evaluate %1</source>
        <translation>Evaluate %1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>Export cancelled; nothing was written.</translation>
    </message>
    <message>
        <source>Evaluation cancelled.</source>
        <translation>Evaluation cancelled.</translation>
    </message>
    <message>
        <source>Wrote %1 and its recipe %2.</source>
        <translation>Wrote %1 and its recipe %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s); see the log.</source>
        <translation>
            <numerusform>%n warning; see the log.</numerusform>
            <numerusform>%n warnings; see the log.</numerusform>
        </translation>
    </message>
    <message>
        <source>Evaluate it on the test split?</source>
        <translation>Evaluate it on the test split?</translation>
    </message>
    <message>
        <source>average</source>
        <translation>average</translation>
    </message>
    <message numerus="yes">
        <source>Test-split accuracy of %1: %2 % on average over %n task(s).</source>
        <translation>
            <numerusform>Test-split accuracy of %1: %2 % on average over %n task.</numerusform>
            <numerusform>Test-split accuracy of %1: %2 % on average over %n tasks.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::gui::GuiJobRunner</name>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::JobsDock</name>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>No running jobs.</source>
        <translation>No running jobs.</translation>
    </message>
    <message>
        <source>Progress of %1</source>
        <translation>Progress of %1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel %1</source>
        <translation>Cancel %1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>Esc cancels the newest job.</source>
        <translation>Esc cancels the newest job.</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::LearnPage</name>
    <message>
        <source>Open a model set to use this page.</source>
        <translation>Open a model set to use this page.</translation>
    </message>
    <message>
        <source>Learned merge method</source>
        <translation>Learned merge method</translation>
    </message>
    <message>
        <source>Fisher merging</source>
        <translation>Fisher merging</translation>
    </message>
    <message>
        <source>RegMean</source>
        <translation>RegMean</translation>
    </message>
    <message>
        <source>AdaMerging, task-wise</source>
        <translation>AdaMerging, task-wise</translation>
    </message>
    <message>
        <source>AdaMerging, layer-wise</source>
        <translation>AdaMerging, layer-wise</translation>
    </message>
    <message>
        <source>WEMoE (weight-ensembling MoE)</source>
        <translation>WEMoE (weight-ensembling MoE)</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>Samples per task</source>
        <translation>Samples per task</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Samples</translation>
    </message>
    <message>
        <source>Training steps</source>
        <translation>Training steps</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Learning rate</translation>
    </message>
    <message>
        <source>Batch per task</source>
        <translation>Batch per task</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>RegMean alpha</source>
        <translation>RegMean alpha</translation>
    </message>
    <message>
        <source>RegMean: off-diagonal entries of each Gram matrix are scaled by alpha</source>
        <translation>RegMean: off-diagonal entries of each Gram matrix are scaled by alpha</translation>
    </message>
    <message>
        <source>α (RegMean)</source>
        <translation>α (RegMean)</translation>
    </message>
    <message>
        <source>Initial lambda</source>
        <translation>Initial lambda</translation>
    </message>
    <message>
        <source>AdaMerging: initial coefficients; WEMoE: task-arithmetic λ and initial routing</source>
        <translation>AdaMerging: initial coefficients; WEMoE: task-arithmetic λ and initial routing</translation>
    </message>
    <message>
        <source>λ</source>
        <translation>λ</translation>
    </message>
    <message>
        <source>Validate every N steps</source>
        <translation>Validate every N steps</translation>
    </message>
    <message>
        <source>Validate every</source>
        <translation>Validate every</translation>
    </message>
    <message>
        <source>Validation samples per task</source>
        <translation>Validation samples per task</translation>
    </message>
    <message>
        <source>Validation samples</source>
        <translation>Validation samples</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Run</translation>
    </message>
    <message>
        <source>Run learned merge</source>
        <translation>Run learned merge</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel learned merge</source>
        <translation>Cancel learned merge</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Export…</translation>
    </message>
    <message>
        <source>Export learned merge</source>
        <translation>Export learned merge</translation>
    </message>
    <message>
        <source>Save the result: a .safetensors file, or a folder for WEMoE</source>
        <translation>Save the result: a .safetensors file, or a folder for WEMoE</translation>
    </message>
    <message>
        <source>Loss per step</source>
        <translation>Loss per step</translation>
    </message>
    <message>
        <source>Validation accuracy per task</source>
        <translation>Validation accuracy per task</translation>
    </message>
    <message>
        <source>Routing heatmap block</source>
        <translation>Routing heatmap block</translation>
    </message>
    <message>
        <source>WEMoE routing, block</source>
        <translation>WEMoE routing, block</translation>
    </message>
    <message>
        <source>Mean routing weight per input task and task vector</source>
        <translation>Mean routing weight per input task and task vector</translation>
    </message>
    <message>
        <source>mean routing weight</source>
        <translation>mean routing weight</translation>
    </message>
    <message>
        <source>Done: %1 steps. Export saves the result.</source>
        <translation>Done: %1 steps. Export saves the result.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Failed: %1</translation>
    </message>
    <message>
        <source>Choose a method and press Run: it learns from the project&apos;s datasets.</source>
        <translation>Choose a method and press Run: it learns from the project&apos;s datasets.</translation>
    </message>
    <message>
        <source>This page needs a project with a native ViT (clip_vit), heads and datasets.</source>
        <translation>This page needs a project with a native ViT (clip_vit), heads and datasets.</translation>
    </message>
    <message>
        <source>Learned merge: %1</source>
        <translation>Learned merge: %1</translation>
    </message>
    <message>
        <source>Running %1…</source>
        <translation>Running %1…</translation>
    </message>
    <message>
        <source>Step %1 of %2, loss %3</source>
        <translation>Step %1 of %2, loss %3</translation>
    </message>
    <message>
        <source>mean entropy</source>
        <translation>mean entropy</translation>
    </message>
    <message>
        <source>step</source>
        <translation>step</translation>
    </message>
    <message>
        <source>entropy (nats)</source>
        <translation>entropy (nats)</translation>
    </message>
    <message>
        <source>task %1</source>
        <translation>task %1</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>accuracy (%)</translation>
    </message>
    <message>
        <source>block %1</source>
        <translation>block %1</translation>
    </message>
    <message>
        <source>τ %1</source>
        <translation>τ %1</translation>
    </message>
    <message>
        <source>WEMoE routing (appears at validation steps of a WEMoE run)</source>
        <translation>WEMoE routing (appears at validation steps of a WEMoE run)</translation>
    </message>
    <message>
        <source>Mean routing weight, block %1: input task × task vector</source>
        <translation>Mean routing weight, block %1: input task × task vector</translation>
    </message>
    <message>
        <source>Export WEMoE model (folder)</source>
        <translation>Export WEMoE model (folder)</translation>
    </message>
    <message>
        <source>WEMoE folder (*)</source>
        <translation>WEMoE folder (*)</translation>
    </message>
    <message>
        <source>Export merged model</source>
        <translation>Export merged model</translation>
    </message>
    <message>
        <source>safetensors (*.safetensors)</source>
        <translation>safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>Export %1</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>Exported %1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export failed: %1</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>Export cancelled.</translation>
    </message>
    <message>
        <source>all</source>
        <translation>all</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::LogDock</name>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::MainWindow</name>
    <message>
        <source>MergeLab</source>
        <translation>MergeLab</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Models</translation>
    </message>
    <message>
        <source>Understand</source>
        <translation>Understand</translation>
    </message>
    <message>
        <source>Tune</source>
        <translation>Tune</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>Learn</translation>
    </message>
    <message>
        <source>Experts</source>
        <translation>Experts</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation>Started: %1</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Failed: %1</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;New Project</source>
        <translation>&amp;New Project</translation>
    </message>
    <message>
        <source>&amp;Open Project…</source>
        <translation>&amp;Open Project…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Open &amp;Recent</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>&amp;Save Project</translation>
    </message>
    <message>
        <source>Save Project &amp;As…</source>
        <translation>Save Project &amp;As…</translation>
    </message>
    <message>
        <source>Add &amp;Checkpoints to Project…</source>
        <translation>Add &amp;Checkpoints to Project…</translation>
    </message>
    <message>
        <source>Add Checkpoint F&amp;older to Project…</source>
        <translation>Add Checkpoint F&amp;older to Project…</translation>
    </message>
    <message>
        <source>Inspect Checkpoint &amp;File…</source>
        <translation>Inspect Checkpoint &amp;File…</translation>
    </message>
    <message>
        <source>Inspect Checkpoint Fol&amp;der…</source>
        <translation>Inspect Checkpoint Fol&amp;der…</translation>
    </message>
    <message>
        <source>&amp;Export Merged Checkpoint…</source>
        <translation>&amp;Export Merged Checkpoint…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Preferences…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Cancel All Jobs</source>
        <translation>&amp;Cancel All Jobs</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About MergeLab</source>
        <translation>&amp;About MergeLab</translation>
    </message>
    <message>
        <source>About MergeLab</source>
        <translation>About MergeLab</translation>
    </message>
    <message>
        <source>MergeLab %1
A workbench for merging fine-tuned neural networks.</source>
        <translation>MergeLab %1
A workbench for merging fine-tuned neural networks.</translation>
    </message>
    <message>
        <source>No recent projects</source>
        <translation>No recent projects</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>&amp;Clear List</translation>
    </message>
    <message>
        <source>Open Checkpoint</source>
        <translation>Open Checkpoint</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.bin *.pt *.pth *.h5 *.hdf5 *.index.json);;All files (*)</source>
        <translation>Checkpoints (*.safetensors *.bin *.pt *.pth *.h5 *.hdf5 *.index.json);;All files (*)</translation>
    </message>
    <message>
        <source>Open Checkpoint Folder</source>
        <translation>Open Checkpoint Folder</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>Open Project</translation>
    </message>
    <message>
        <source>MergeLab projects (*.mergelab.json);;All files (*)</source>
        <translation>MergeLab projects (*.mergelab.json);;All files (*)</translation>
    </message>
    <message>
        <source>No project to save: open one or start a new one.</source>
        <translation>No project to save: open one or start a new one.</translation>
    </message>
    <message>
        <source>Save Project As</source>
        <translation>Save Project As</translation>
    </message>
    <message>
        <source>MergeLab projects (*.mergelab.json)</source>
        <translation>MergeLab projects (*.mergelab.json)</translation>
    </message>
    <message>
        <source>%1: a project needs a base checkpoint; add checkpoints first.</source>
        <translation>%1: a project needs a base checkpoint; add checkpoints first.</translation>
    </message>
    <message>
        <source>Saved project %1</source>
        <translation>Saved project %1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Saved %1</translation>
    </message>
    <message>
        <source>Save Project?</source>
        <translation>Save Project?</translation>
    </message>
    <message>
        <source>The project has unsaved changes (names, colours, base or checkpoints). Save them?</source>
        <translation>The project has unsaved changes (names, colours, base or checkpoints). Save them?</translation>
    </message>
    <message>
        <source>Add Checkpoints</source>
        <translation>Add Checkpoints</translation>
    </message>
    <message>
        <source>Add Checkpoint Folder</source>
        <translation>Add Checkpoint Folder</translation>
    </message>
    <message>
        <source>Adding %1</source>
        <translation>Adding %1</translation>
    </message>
    <message numerus="yes">
        <source>Adding %n checkpoint(s)</source>
        <translation>
            <numerusform>Adding %n checkpoint</numerusform>
            <numerusform>Adding %n checkpoints</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n checkpoint(s) to the project</source>
        <translation>
            <numerusform>Added %n checkpoint to the project</numerusform>
            <numerusform>Added %n checkpoints to the project</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 added checkpoints could not be opened; see the Models page.</source>
        <translation>%1 of %2 added checkpoints could not be opened; see the Models page.</translation>
    </message>
    <message>
        <source>Untitled project</source>
        <translation>Untitled project</translation>
    </message>
    <message>
        <source>%1[*] — MergeLab</source>
        <translation>%1[*] — MergeLab</translation>
    </message>
    <message>
        <source>Nothing to export yet: open a project, then choose a merge on the Tune page.</source>
        <translation>Nothing to export yet: open a project, then choose a merge on the Tune page.</translation>
    </message>
    <message>
        <source>The Tune page has no valid merge to export: choose a method and fix the parameters marked invalid there.</source>
        <translation>The Tune page has no valid merge to export: choose a method and fix the parameters marked invalid there.</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>Exported %1</translation>
    </message>
    <message>
        <source>Opening project %1</source>
        <translation>Opening project %1</translation>
    </message>
    <message>
        <source>Opened project %1 (%2 checkpoints)</source>
        <translation>Opened project %1 (%2 checkpoints)</translation>
    </message>
    <message>
        <source>%1 of %2 checkpoints in %3 could not be opened; see the Models page.</source>
        <translation>%1 of %2 checkpoints in %3 could not be opened; see the Models page.</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>Opening %1</translation>
    </message>
    <message>
        <source>%1 — MergeLab</source>
        <translation>%1 — MergeLab</translation>
    </message>
    <message>
        <source>Opened %1 (%2, %3 tensors, index read in %4 ms)</source>
        <translation>Opened %1 (%2, %3 tensors, index read in %4 ms)</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ModelSetPage</name>
    <message>
        <source>No project open. Use File → Open Project…, File → New Project, or drop a *.mergelab.json file or checkpoints here.</source>
        <translation>No project open. Use File → Open Project…, File → New Project, or drop a *.mergelab.json file or checkpoints here.</translation>
    </message>
    <message>
        <source>Models of the project</source>
        <translation>Models of the project</translation>
    </message>
    <message>
        <source>Use as &amp;Base</source>
        <translation>Use as &amp;Base</translation>
    </message>
    <message>
        <source>Make the selected checkpoint the pretrained base; task vectors are taken from it.</source>
        <translation>Make the selected checkpoint the pretrained base; task vectors are taken from it.</translation>
    </message>
    <message>
        <source>Use the selected checkpoint as the base</source>
        <translation>Use the selected checkpoint as the base</translation>
    </message>
    <message>
        <source>&amp;Colour…</source>
        <translation>&amp;Colour…</translation>
    </message>
    <message>
        <source>Choose the colour of the selected model in charts (or double-click its swatch).</source>
        <translation>Choose the colour of the selected model in charts (or double-click its swatch).</translation>
    </message>
    <message>
        <source>Choose the colour of the selected model</source>
        <translation>Choose the colour of the selected model</translation>
    </message>
    <message>
        <source>&amp;Add Checkpoints…</source>
        <translation>&amp;Add Checkpoints…</translation>
    </message>
    <message>
        <source>Add checkpoint files to the project (or drop them on the window).</source>
        <translation>Add checkpoint files to the project (or drop them on the window).</translation>
    </message>
    <message>
        <source>Add checkpoint files to the project</source>
        <translation>Add checkpoint files to the project</translation>
    </message>
    <message>
        <source>Add &amp;Folder…</source>
        <translation>Add &amp;Folder…</translation>
    </message>
    <message>
        <source>Add a checkpoint folder (sharded safetensors, Hugging Face layout) to the project.</source>
        <translation>Add a checkpoint folder (sharded safetensors, Hugging Face layout) to the project.</translation>
    </message>
    <message>
        <source>Add a checkpoint folder to the project</source>
        <translation>Add a checkpoint folder to the project</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Remove</translation>
    </message>
    <message>
        <source>Remove the selected checkpoint from the project (the file stays on disk).</source>
        <translation>Remove the selected checkpoint from the project (the file stays on disk).</translation>
    </message>
    <message>
        <source>Remove the selected checkpoint from the project</source>
        <translation>Remove the selected checkpoint from the project</translation>
    </message>
    <message>
        <source>Tensors of the selected model</source>
        <translation>Tensors of the selected model</translation>
    </message>
    <message>
        <source>Untitled project</source>
        <translation>Untitled project</translation>
    </message>
    <message>
        <source>%1 — empty: add checkpoints with the buttons below or drop files or folders on the window; the first one becomes the base.</source>
        <translation>%1 — empty: add checkpoints with the buttons below or drop files or folders on the window; the first one becomes the base.</translation>
    </message>
    <message>
        <source>%1 — a base and 1 fine-tuned model</source>
        <translation>%1 — a base and 1 fine-tuned model</translation>
    </message>
    <message>
        <source>%1 — a base and %2 fine-tuned models</source>
        <translation>%1 — a base and %2 fine-tuned models</translation>
    </message>
    <message>
        <source>Tensors of %1</source>
        <translation>Tensors of %1</translation>
    </message>
    <message>
        <source>Colour of %1</source>
        <translation>Colour of %1</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ModelSetTableModel</name>
    <message>
        <source>model</source>
        <translation>model</translation>
    </message>
    <message>
        <source>base</source>
        <translation>base</translation>
    </message>
    <message>
        <source>fine-tune</source>
        <translation>fine-tune</translation>
    </message>
    <message>
        <source>error</source>
        <translation>error</translation>
    </message>
    <message>
        <source>Double-click the name to rename; double-click the colour swatch to change the colour.</source>
        <translation>Double-click the name to rename; double-click the colour swatch to change the colour.</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <source>DType</source>
        <translation>DType</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Path</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Preferences</translation>
    </message>
    <message>
        <source>User interface language</source>
        <translation>User interface language</translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation>System default (%1)</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Language:</translation>
    </message>
    <message>
        <source>Offer the demo model set when started without a project</source>
        <translation>Offer the demo model set when started without a project</translation>
    </message>
    <message>
        <source>Offer the demo model set at start</source>
        <translation>Offer the demo model set at start</translation>
    </message>
    <message>
        <source>Restart note</source>
        <translation>Restart note</translation>
    </message>
    <message>
        <source>The new language applies when MergeLab restarts.</source>
        <translation>The new language applies when MergeLab restarts.</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ProjectDocument</name>
    <message>
        <source>%1: the project has no base checkpoint.</source>
        <translation>%1: the project has no base checkpoint.</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::TuneGeneratePanel</name>
    <message>
        <source>Generate</source>
        <translation>Generate</translation>
    </message>
    <message>
        <source>Prompt to complete with every model</source>
        <translation>Prompt to complete with every model</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Maximum new tokens</source>
        <translation>Maximum new tokens</translation>
    </message>
    <message>
        <source>Tokens to generate at most (generation also stops at the end-of-text token)</source>
        <translation>Tokens to generate at most (generation also stops at the end-of-text token)</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <source>0: greedy (the most likely token each step); above 0: sampling</source>
        <translation>0: greedy (the most likely token each step); above 0: sampling</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Sampling seed: the same seed gives the same text</source>
        <translation>Sampling seed: the same seed gives the same text</translation>
    </message>
    <message>
        <source>Generate with every model</source>
        <translation>Generate with every model</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel the generation</source>
        <translation>Cancel the generation</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>Prompt:</translation>
    </message>
    <message>
        <source>Max new tokens:</source>
        <translation>Max new tokens:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Temperature:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <source>Completions</source>
        <translation>Completions</translation>
    </message>
    <message>
        <source>Completes the prompt with the base, each fine-tuned model and the current merge.</source>
        <translation>Completes the prompt with the base, each fine-tuned model and the current merge.</translation>
    </message>
    <message>
        <source>Generation needs a language-model project.</source>
        <translation>Generation needs a language-model project.</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>Generating…</translation>
    </message>
    <message>
        <source>Generate: %1 models</source>
        <translation>Generate: %1 models</translation>
    </message>
    <message>
        <source>merge</source>
        <translation>merge</translation>
    </message>
    <message>
        <source>(not generated: %1)</source>
        <translation>(not generated: %1)</translation>
    </message>
    <message>
        <source>Generation cancelled.</source>
        <translation>Generation cancelled.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Generation failed: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n model(s) completed the prompt in %1 s.</source>
        <translation>
            <numerusform>%n model completed the prompt in %1 s.</numerusform>
            <numerusform>%n models completed the prompt in %1 s.</numerusform>
        </translation>
    </message>
    <message>
        <source>The merge changed since this generation: press Generate to complete with the new one.</source>
        <translation>The merge changed since this generation: press Generate to complete with the new one.</translation>
    </message>
    <message>
        <source>Completion by %1</source>
        <translation>Completion by %1</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::TunePage</name>
    <message>
        <source>Open a model set to use this page.</source>
        <translation>Open a model set to use this page.</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>Merge method</source>
        <translation>Merge method</translation>
    </message>
    <message>
        <source>Task coefficients</source>
        <translation>Task coefficients</translation>
    </message>
    <message>
        <source>Global λ slider</source>
        <translation>Global λ slider</translation>
    </message>
    <message>
        <source>Global λ</source>
        <translation>Global λ</translation>
    </message>
    <message>
        <source>λ scales the merged task vector (θ = θ0 + λ Σ wi τi)</source>
        <translation>λ scales the merged task vector (θ = θ0 + λ Σ wi τi)</translation>
    </message>
    <message>
        <source>&lt;b&gt;global λ&lt;/b&gt;</source>
        <translation>&lt;b&gt;global λ&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Per-task parameters</source>
        <translation>Per-task parameters</translation>
    </message>
    <message>
        <source>Per-layer / per-pattern overrides</source>
        <translation>Per-layer / per-pattern overrides</translation>
    </message>
    <message>
        <source>Overrides</source>
        <translation>Overrides</translation>
    </message>
    <message>
        <source>Tensor filter</source>
        <translation>Tensor filter</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>Tensors whose name contains the filter (or matches re:&lt;regex&gt;) use this value; the first matching row wins</source>
        <translation>Tensors whose name contains the filter (or matches re:&lt;regex&gt;) use this value; the first matching row wins</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Add override</source>
        <translation>Add override</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Remove override</source>
        <translation>Remove override</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>Undo the last change (Ctrl+Z)</source>
        <translation>Undo the last change (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>Redo (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <source>Export the merge</source>
        <translation>Export the merge</translation>
    </message>
    <message>
        <source>Write this merge as a checkpoint (Ctrl+E)</source>
        <translation>Write this merge as a checkpoint (Ctrl+E)</translation>
    </message>
    <message>
        <source>Evaluation latency</source>
        <translation>Evaluation latency</translation>
    </message>
    <message>
        <source>Accuracy per task</source>
        <translation>Accuracy per task</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>accuracy (%)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>History</translation>
    </message>
    <message>
        <source>&lt;opened&gt;</source>
        <translation>&lt;opened&gt;</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>Undo history</translation>
    </message>
    <message>
        <source>Apply sweep point</source>
        <translation>Apply sweep point</translation>
    </message>
    <message>
        <source>Live evaluation needs a project with fine-tuned models, an architecture and evaluation data per task; the merge can still be exported.</source>
        <translation>Live evaluation needs a project with fine-tuned models, an architecture and evaluation data per task; the merge can still be exported.</translation>
    </message>
    <message>
        <source>Loading %1 checkpoints and the validation data…</source>
        <translation>Loading %1 checkpoints and the validation data…</translation>
    </message>
    <message>
        <source>Tune: load %1</source>
        <translation>Tune: load %1</translation>
    </message>
    <message>
        <source>Weight of %1 slider</source>
        <translation>Weight of %1 slider</translation>
    </message>
    <message>
        <source>Weight of %1</source>
        <translation>Weight of %1</translation>
    </message>
    <message>
        <source>Coefficient wi of %1&apos;s task vector</source>
        <translation>Coefficient wi of %1&apos;s task vector</translation>
    </message>
    <message>
        <source>%1 has no per-task weight</source>
        <translation>%1 has no per-task weight</translation>
    </message>
    <message>
        <source>Method %1</source>
        <translation>Method %1</translation>
    </message>
    <message>
        <source>%1 weight = %2</source>
        <translation>%1 weight = %2</translation>
    </message>
    <message>
        <source>λ = %1</source>
        <translation>λ = %1</translation>
    </message>
    <message>
        <source>Not evaluated: %1</source>
        <translation>Not evaluated: %1</translation>
    </message>
    <message>
        <source>%1 = %2</source>
        <translation>%1 = %2</translation>
    </message>
    <message>
        <source>%1 of %2 = %3</source>
        <translation>%1 of %2 = %3</translation>
    </message>
    <message>
        <source>override value &quot;%1&quot; is not a number</source>
        <translation>override value &quot;%1&quot; is not a number</translation>
    </message>
    <message>
        <source>Edit overrides</source>
        <translation>Edit overrides</translation>
    </message>
    <message>
        <source>Evaluating %1 on %2 validation samples per task…</source>
        <translation>Evaluating %1 on %2 validation samples per task…</translation>
    </message>
    <message>
        <source>Tune: evaluate %1</source>
        <translation>Tune: evaluate %1</translation>
    </message>
    <message>
        <source>Loading cancelled.</source>
        <translation>Loading cancelled.</translation>
    </message>
    <message>
        <source>Cannot tune: %1</source>
        <translation>Cannot tune: %1</translation>
    </message>
    <message>
        <source>last evaluation: %1 ms (merge + %2 samples/task)</source>
        <translation>last evaluation: %1 ms (merge + %2 samples/task)</translation>
    </message>
    <message>
        <source>Tune: full validation</source>
        <translation>Tune: full validation</translation>
    </message>
    <message>
        <source>Evaluation failed: %1</source>
        <translation>Evaluation failed: %1</translation>
    </message>
    <message>
        <source>last evaluation: %1 ms quick · %2 ms full validation</source>
        <translation>last evaluation: %1 ms quick · %2 ms full validation</translation>
    </message>
    <message>
        <source>Full validation failed: %1</source>
        <translation>Full validation failed: %1</translation>
    </message>
    <message>
        <source>average</source>
        <translation>average</translation>
    </message>
    <message>
        <source>Accuracy per task (validation)</source>
        <translation>Accuracy per task (validation)</translation>
    </message>
    <message>
        <source>pretrained</source>
        <translation>pretrained</translation>
    </message>
    <message>
        <source>fine-tuned (own task)</source>
        <translation>fine-tuned (own task)</translation>
    </message>
    <message>
        <source>merged</source>
        <translation>merged</translation>
    </message>
    <message>
        <source>merged (full validation)</source>
        <translation>merged (full validation)</translation>
    </message>
    <message>
        <source>merged (%1 samples/task)</source>
        <translation>merged (%1 samples/task)</translation>
    </message>
    <message>
        <source>Accuracy per task: %1 merged, average %2%</source>
        <translation>Accuracy per task: %1 merged, average %2%</translation>
    </message>
    <message>
        <source>Full validation split: %1 ms.</source>
        <translation>Full validation split: %1 ms.</translation>
    </message>
    <message>
        <source>Quick result; refining on the full validation split…</source>
        <translation>Quick result; refining on the full validation split…</translation>
    </message>
    <message>
        <source>merged (%1)</source>
        <translation>merged (%1)</translation>
    </message>
    <message>
        <source>a parameter holds an invalid value</source>
        <translation>a parameter holds an invalid value</translation>
    </message>
    <message>
        <source>Perplexity per task (lower is better)</source>
        <translation>Perplexity per task (lower is better)</translation>
    </message>
    <message>
        <source>Loading %1 language models and scoring them on the validation split…</source>
        <translation>Loading %1 language models and scoring them on the validation split…</translation>
    </message>
    <message>
        <source>last evaluation: %1 ms (merge + every task)</source>
        <translation>last evaluation: %1 ms (merge + every task)</translation>
    </message>
    <message>
        <source>Choice accuracy per task (higher is better)</source>
        <translation>Choice accuracy per task (higher is better)</translation>
    </message>
    <message>
        <source>Scored on the whole validation split in %1 ms.</source>
        <translation>Scored on the whole validation split in %1 ms.</translation>
    </message>
    <message>
        <source>perplexity (log scale)</source>
        <translation>perplexity (log scale)</translation>
    </message>
    <message>
        <source>Perplexity (lower is better): %1, average %2</source>
        <translation>Perplexity (lower is better): %1, average %2</translation>
    </message>
    <message>
        <source>Choice accuracy: %1, average %2%</source>
        <translation>Choice accuracy: %1, average %2%</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::TuneSweepPanel</name>
    <message>
        <source>Swept parameter</source>
        <translation>Swept parameter</translation>
    </message>
    <message>
        <source>Sweep from</source>
        <translation>Sweep from</translation>
    </message>
    <message>
        <source>Sweep to</source>
        <translation>Sweep to</translation>
    </message>
    <message>
        <source>Sweep step</source>
        <translation>Sweep step</translation>
    </message>
    <message>
        <source>Run sweep</source>
        <translation>Run sweep</translation>
    </message>
    <message>
        <source>Parameter:</source>
        <translation>Parameter:</translation>
    </message>
    <message>
        <source>from</source>
        <translation>from</translation>
    </message>
    <message>
        <source>to</source>
        <translation>to</translation>
    </message>
    <message>
        <source>step</source>
        <translation>step</translation>
    </message>
    <message>
        <source>1-D sweep: choose a parameter and run</source>
        <translation>1-D sweep: choose a parameter and run</translation>
    </message>
    <message>
        <source>parameter value</source>
        <translation>parameter value</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>accuracy (%)</translation>
    </message>
    <message>
        <source>1-D sweep</source>
        <translation>1-D sweep</translation>
    </message>
    <message>
        <source>Grid columns: task</source>
        <translation>Grid columns: task</translation>
    </message>
    <message>
        <source>Grid rows: task</source>
        <translation>Grid rows: task</translation>
    </message>
    <message>
        <source>Grid from</source>
        <translation>Grid from</translation>
    </message>
    <message>
        <source>Grid to</source>
        <translation>Grid to</translation>
    </message>
    <message>
        <source>Grid values per axis</source>
        <translation>Grid values per axis</translation>
    </message>
    <message>
        <source>Run grid</source>
        <translation>Run grid</translation>
    </message>
    <message>
        <source>Columns:</source>
        <translation>Columns:</translation>
    </message>
    <message>
        <source>rows:</source>
        <translation>rows:</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>weights</translation>
    </message>
    <message>
        <source>values</source>
        <translation>values</translation>
    </message>
    <message>
        <source>2-D grid: choose two tasks and run</source>
        <translation>2-D grid: choose two tasks and run</translation>
    </message>
    <message>
        <source>average accuracy (%)</source>
        <translation>average accuracy (%)</translation>
    </message>
    <message>
        <source>2-D grid</source>
        <translation>2-D grid</translation>
    </message>
    <message>
        <source>Sweeps evaluate one merge per point on the quick validation subset.</source>
        <translation>Sweeps evaluate one merge per point on the quick validation subset.</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Stop the sweep</source>
        <translation>Stop the sweep</translation>
    </message>
    <message>
        <source>%1 (all tasks)</source>
        <translation>%1 (all tasks)</translation>
    </message>
    <message>
        <source>weight of %1</source>
        <translation>weight of %1</translation>
    </message>
    <message>
        <source>Choose a parameter and a range with from ≤ to and a positive step.</source>
        <translation>Choose a parameter and a range with from ≤ to and a positive step.</translation>
    </message>
    <message>
        <source>Cannot sweep: %1</source>
        <translation>Cannot sweep: %1</translation>
    </message>
    <message>
        <source>Choose two different tasks and a range with from &lt; to.</source>
        <translation>Choose two different tasks and a range with from &lt; to.</translation>
    </message>
    <message>
        <source>Cannot run the grid: %1</source>
        <translation>Cannot run the grid: %1</translation>
    </message>
    <message>
        <source>Done: %1 points.</source>
        <translation>Done: %1 points.</translation>
    </message>
    <message>
        <source>Evaluating point %1 of %2…</source>
        <translation>Evaluating point %1 of %2…</translation>
    </message>
    <message>
        <source>Sweep point %1 of %2</source>
        <translation>Sweep point %1 of %2</translation>
    </message>
    <message>
        <source>Sweep stopped after %1 of %2 points.</source>
        <translation>Sweep stopped after %1 of %2 points.</translation>
    </message>
    <message>
        <source>Sweep failed: %1</source>
        <translation>Sweep failed: %1</translation>
    </message>
    <message>
        <source>average</source>
        <translation>average</translation>
    </message>
    <message>
        <source>Accuracy while sweeping %1 (%2 of %3 points)</source>
        <translation>Accuracy while sweeping %1 (%2 of %3 points)</translation>
    </message>
    <message>
        <source>Average accuracy (%): columns = weight of %1, rows = weight of %2</source>
        <translation>Average accuracy (%): columns = weight of %1, rows = weight of %2</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::UnderstandPage</name>
    <message>
        <source>&amp;Analyze</source>
        <translation>&amp;Analyze</translation>
    </message>
    <message>
        <source>Compute task-vector statistics of the project&apos;s fine-tunes against its base</source>
        <translation>Compute task-vector statistics of the project&apos;s fine-tunes against its base</translation>
    </message>
    <message>
        <source>Open a project to analyse its task vectors.</source>
        <translation>Open a project to analyse its task vectors.</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>cosine similarity</source>
        <translation>cosine similarity</translation>
    </message>
    <message>
        <source>Analysis cancelled.</source>
        <translation>Analysis cancelled.</translation>
    </message>
    <message>
        <source>The project has no fine-tuned models to analyse.</source>
        <translation>The project has no fine-tuned models to analyse.</translation>
    </message>
    <message>
        <source>Analysing %1 fine-tuned models against %2…</source>
        <translation>Analysing %1 fine-tuned models against %2…</translation>
    </message>
    <message>
        <source>Analysing %1</source>
        <translation>Analysing %1</translation>
    </message>
    <message>
        <source>%1 tensors analysed · mean cosine %2 · sign conflicts %3% (top %4% kept per tensor)</source>
        <translation>%1 tensors analysed · mean cosine %2 · sign conflicts %3% (top %4% kept per tensor)</translation>
    </message>
    <message>
        <source> · %1 skipped</source>
        <translation> · %1 skipped</translation>
    </message>
    <message>
        <source>All layers</source>
        <translation>All layers</translation>
    </message>
    <message>
        <source>Outside layers (%1 tensors)</source>
        <translation>Outside layers (%1 tensors)</translation>
    </message>
    <message>
        <source>Layer %1 (%2 tensors)</source>
        <translation>Layer %1 (%2 tensors)</translation>
    </message>
    <message>
        <source>Task-vector cosine similarity, all layers</source>
        <translation>Task-vector cosine similarity, all layers</translation>
    </message>
    <message>
        <source>Task-vector cosine similarity, outside layers</source>
        <translation>Task-vector cosine similarity, outside layers</translation>
    </message>
    <message>
        <source>Task-vector cosine similarity, layer %1</source>
        <translation>Task-vector cosine similarity, layer %1</translation>
    </message>
    <message>
        <source>all models</source>
        <translation>all models</translation>
    </message>
    <message>
        <source>Task-vector norm per layer</source>
        <translation>Task-vector norm per layer</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>layer</translation>
    </message>
    <message>
        <source>‖τ‖ (L2 norm)</source>
        <translation>‖τ‖ (L2 norm)</translation>
    </message>
    <message>
        <source>Sign conflicts per layer (TIES, top %1% kept)</source>
        <translation>Sign conflicts per layer (TIES, top %1% kept)</translation>
    </message>
    <message>
        <source>conflicts (%)</source>
        <translation>conflicts (%)</translation>
    </message>
    <message>
        <source>Task-vector value distribution</source>
        <translation>Task-vector value distribution</translation>
    </message>
    <message>
        <source>τ value (θi − θ0)</source>
        <translation>τ value (θi − θ0)</translation>
    </message>
    <message>
        <source>coordinates (%)</source>
        <translation>coordinates (%)</translation>
    </message>
</context>
<context>
    <name>mergelab::widgets::Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation>Dismiss message</translation>
    </message>
</context>
<context>
    <name>mergelab::widgets::DendrogramWidget</name>
    <message>
        <source>Dendrogram</source>
        <translation>Dendrogram</translation>
    </message>
    <message>
        <source>No merge tree</source>
        <translation>No merge tree</translation>
    </message>
    <message>
        <source>1 − similarity</source>
        <translation>1 − similarity</translation>
    </message>
</context>
<context>
    <name>mergelab::widgets::HeatmapWidget</name>
    <message>
        <source>Heatmap</source>
        <translation>Heatmap</translation>
    </message>
    <message>
        <source>undefined</source>
        <translation>undefined</translation>
    </message>
    <message>
        <source>No data</source>
        <translation>No data</translation>
    </message>
</context>
<context>
    <name>mergelab::widgets::TensorTreeModel</name>
    <message>
        <source>1 tensor</source>
        <translation>1 tensor</translation>
    </message>
    <message>
        <source>%1 tensors</source>
        <translation>%1 tensors</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 bytes</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>DType</source>
        <translation>DType</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Shape</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
</context>
</TS>
