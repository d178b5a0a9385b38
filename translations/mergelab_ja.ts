<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>ExpertsPage</name>
    <message>
        <source>MergeLab evaluates the MoE ViT and Mixtral / Qwen2-MoE language models only</source>
        <translation>MergeLab が評価できるのは MoE ViT と Mixtral / Qwen2-MoE 言語モデルだけです</translation>
    </message>
    <message>
        <source>open a project with tasks to measure accuracy or perplexity</source>
        <translation>精度またはパープレキシティを測るにはタスクのあるプロジェクトを開いてください</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>The project names no architecture (&quot;architecture&quot; in the project file), so its checkpoints cannot be run.</source>
        <translation>プロジェクトにアーキテクチャの指定 (プロジェクトファイルの &quot;architecture&quot;) がないため、チェックポイントを実行できません。</translation>
    </message>
    <message>
        <source>The project has no task with both a dataset and a classification head.</source>
        <translation>データセットと分類ヘッドの両方を持つタスクがプロジェクトにありません。</translation>
    </message>
</context>
<context>
    <name>mergelab::gui</name>
    <message>
        <source>%1 must be a finite number</source>
        <translation>%1 は有限の数値でなければなりません</translation>
    </message>
    <message>
        <source>%1 is a flag: 0 or 1</source>
        <translation>%1 はフラグです: 0 または 1</translation>
    </message>
    <message>
        <source>%1 must be a whole number</source>
        <translation>%1 は整数でなければなりません</translation>
    </message>
    <message>
        <source>%1 must be in %2%3, %4]</source>
        <translation>%1 は %2%3, %4] の範囲でなければなりません</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a number</source>
        <translation>%1: &quot;%2&quot; は数値ではありません</translation>
    </message>
    <message>
        <source>unknown merge method &quot;%1&quot;</source>
        <translation>不明なマージ手法 &quot;%1&quot;</translation>
    </message>
    <message>
        <source>override &quot;%1&quot;: %2 has no parameter &quot;%3&quot;</source>
        <translation>上書き &quot;%1&quot;: %2 にはパラメータ &quot;%3&quot; がありません</translation>
    </message>
    <message>
        <source>override &quot;%1&quot;: %2 is set per task; overrides take global parameters</source>
        <translation>上書き &quot;%1&quot;: %2 はタスクごとに設定されます。上書きにはグローバルなパラメータのみ指定できます</translation>
    </message>
    <message>
        <source>override filter &quot;%1&quot;: %2</source>
        <translation>上書きフィルタ &quot;%1&quot;: %2</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::CheckpointPage</name>
    <message>
        <source>Open a checkpoint file or a Hugging Face folder,
or drop one onto this window.</source>
        <translation>チェックポイントファイルまたは Hugging Face フォルダを開くか、
このウィンドウにドロップしてください。</translation>
    </message>
    <message>
        <source>Open File…</source>
        <translation>ファイルを開く…</translation>
    </message>
    <message>
        <source>Open Folder…</source>
        <translation>フォルダを開く…</translation>
    </message>
    <message>
        <source>Filter tensors by name (e.g. layers.3 or attn)</source>
        <translation>名前でテンソルを絞り込み (例: layers.3、attn)</translation>
    </message>
    <message>
        <source>Tensor name filter</source>
        <translation>テンソル名フィルタ</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>テンソル</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 tensors · %4 parameters (%5) · %6 · index read in %7 ms</source>
        <translation>%1 · %2 · テンソル %3 個 · パラメータ %4 個 (%5) · %6 · インデックス読み込み %7 ms</translation>
    </message>
    <message>
        <source>Metadata:
%1</source>
        <translation>メタデータ:
%1</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::DemoOfferDialog</name>
    <message>
        <source>Building the demo model set</source>
        <translation>デモ用モデルセットを構築中</translation>
    </message>
    <message>
        <source>Welcome to MergeLab</source>
        <translation>MergeLab へようこそ</translation>
    </message>
    <message>
        <source>No project is open. Open the demo model set (%1)?</source>
        <translation>プロジェクトが開かれていません。デモ用モデルセット (%1) を開きますか?</translation>
    </message>
    <message>
        <source>Do not offer this at start</source>
        <translation>起動時にこの案内を表示しない</translation>
    </message>
    <message>
        <source>Do not offer the demo at start</source>
        <translation>起動時にデモを案内しない</translation>
    </message>
    <message>
        <source>&amp;Build Demo</source>
        <translation>デモを構築(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Open Demo</source>
        <translation>デモを開く(&amp;O)</translation>
    </message>
    <message>
        <source>Build the demo model set</source>
        <translation>デモ用モデルセットを構築</translation>
    </message>
    <message>
        <source>Open the demo model set</source>
        <translation>デモ用モデルセットを開く</translation>
    </message>
    <message>
        <source>Not Now</source>
        <translation>後で</translation>
    </message>
    <message>
        <source>Close without opening a project</source>
        <translation>プロジェクトを開かずに閉じる</translation>
    </message>
    <message>
        <source>No project is open. MergeLab can build its demo model set: a small vision transformer pretrained here and six fine-tuned models, one per task. Building takes about ten minutes and writes about 50 MB into %1.</source>
        <translation>プロジェクトが開かれていません。MergeLab はデモ用モデルセットを構築できます: このマシンで事前学習した小さな Vision Transformer と、タスクごとに 1 つずつ、計 6 つのファインチューニング済みモデルです。構築には約 10 分かかり、%1 に約 50 MB を書き込みます。</translation>
    </message>
    <message>
        <source>Building the language-model set</source>
        <translation>言語モデルセットを構築中</translation>
    </message>
    <message>
        <source>Beside it, the language-model set: a small Llama-architecture model with its own tokenizer, pretrained here on text Debian ships, and four fine-tunes (code, arithmetic, verse, definitions). Building it takes about 17 minutes on two cores; the quick version (smaller, for a first look) about a minute. Written into %1.</source>
        <translation>言語モデルセットもあります: 独自のトークナイザーを持つ小さな Llama 構造のモデルを Debian 同梱のテキストでこのマシン上で事前学習し、4 つの領域 (コード、算術、韻文、語義) でファインチューニングしたものです。構築には 2 コアで約 17 分かかります。お試し用の小さい版なら約 1 分です。書き込み先: %1</translation>
    </message>
    <message>
        <source>The language-model set is in %1.</source>
        <translation>言語モデルセットは %1 にあります。</translation>
    </message>
    <message>
        <source>Build &amp;Language Models</source>
        <translation>言語モデルを構築(&amp;L)</translation>
    </message>
    <message>
        <source>Open &amp;Language Models</source>
        <translation>言語モデルを開く(&amp;L)</translation>
    </message>
    <message>
        <source>Build the language-model set (about 17 minutes)</source>
        <translation>言語モデルセットを構築 (約 17 分)</translation>
    </message>
    <message>
        <source>Open the language-model set</source>
        <translation>言語モデルセットを開く</translation>
    </message>
    <message>
        <source>&amp;Quick Language Models</source>
        <translation>小さな言語モデル(&amp;Q)</translation>
    </message>
    <message>
        <source>Build the small language-model set (about a minute)</source>
        <translation>小さな言語モデルセットを構築 (約 1 分)</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::DiagnosticsPage</name>
    <message>
        <source>Sharpness radius rho</source>
        <translation>シャープネスの半径 ρ</translation>
    </message>
    <message>
        <source>Radius of the normalised ascent step that measures sharpness</source>
        <translation>シャープネスを測る正規化上昇ステップの半径</translation>
    </message>
    <message>
        <source>Task-vector coefficient alpha</source>
        <translation>タスクベクトルの係数 α</translation>
    </message>
    <message>
        <source>Coefficient of every task vector when measuring the disentanglement error</source>
        <translation>分離誤差を測るときの各タスクベクトルの係数</translation>
    </message>
    <message>
        <source>Samples per task</source>
        <translation>タスクあたりのサンプル数</translation>
    </message>
    <message>
        <source>&amp;Compute</source>
        <translation>計算(&amp;C)</translation>
    </message>
    <message>
        <source>Measure sharpness and disentanglement error of the project&apos;s fine-tunes</source>
        <translation>プロジェクトのファインチューニング済みモデルのシャープネスと重み分離誤差を測定します</translation>
    </message>
    <message>
        <source>Open a model set to see how well its fine-tunes will merge.</source>
        <translation>ファインチューニング済みモデルがどの程度うまくマージできるかを見るには、モデルセットを開いてください。</translation>
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
        <translation>タスクあたりのサンプル数:</translation>
    </message>
    <message>
        <source>Sharpness per fine-tune</source>
        <translation>ファインチューニング済みモデルごとのシャープネス</translation>
    </message>
    <message>
        <source>Weight-disentanglement error (%)</source>
        <translation>重み分離誤差 (%)</translation>
    </message>
    <message>
        <source>predictions changed (%)</source>
        <translation>予測が変化した割合 (%)</translation>
    </message>
    <message>
        <source>Weight-disentanglement error matrix</source>
        <translation>重み分離誤差の行列</translation>
    </message>
    <message>
        <source>First task of the surface</source>
        <translation>曲面の 1 つ目のタスク</translation>
    </message>
    <message>
        <source>Second task of the surface</source>
        <translation>曲面の 2 つ目のタスク</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <source>Surface metric</source>
        <translation>曲面の指標</translation>
    </message>
    <message>
        <source>Coefficient step</source>
        <translation>係数の刻み</translation>
    </message>
    <message>
        <source>Compute &amp;surface</source>
        <translation>曲面を計算(&amp;S)</translation>
    </message>
    <message>
        <source>Surface over</source>
        <translation>曲面:</translation>
    </message>
    <message>
        <source>and</source>
        <translation>と</translation>
    </message>
    <message>
        <source>step</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <source>Loss or accuracy over two task coefficients</source>
        <translation>2 つのタスク係数に対する損失または精度</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>キャンセルしました。</translation>
    </message>
    <message>
        <source>This project needs fine-tuned models, an architecture and task data for diagnostics.</source>
        <translation>診断には、ファインチューニング済みモデル、アーキテクチャ、タスクデータを含むプロジェクトが必要です。</translation>
    </message>
    <message>
        <source>Measuring sharpness and disentanglement of %1 fine-tunes…</source>
        <translation>ファインチューニング済みモデル %1 個のシャープネスと重み分離を測定中…</translation>
    </message>
    <message>
        <source>Mergeability diagnostics of %1</source>
        <translation>%1 のマージ適性診断</translation>
    </message>
    <message>
        <source>Choose two different tasks.</source>
        <translation>異なる 2 つのタスクを選んでください。</translation>
    </message>
    <message>
        <source>Evaluating %1 points…</source>
        <translation>%1 点を評価中…</translation>
    </message>
    <message>
        <source>Coefficient surface %1 × %2</source>
        <translation>係数曲面 %1 × %2</translation>
    </message>
    <message>
        <source>sharpness</source>
        <translation>シャープネス</translation>
    </message>
    <message>
        <source>loss rise at ρ = %1</source>
        <translation>ρ = %1 での損失の増加</translation>
    </message>
    <message>
        <source>Sharpness per fine-tune on its task (ρ = %1)</source>
        <translation>各ファインチューニング済みモデルの自タスクでのシャープネス (ρ = %1)</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全体</translation>
    </message>
    <message>
        <source>Weight-disentanglement error (%) at α = %1</source>
        <translation>α = %1 での重み分離誤差 (%)</translation>
    </message>
    <message>
        <source>Mean sharpness %1 · disentanglement error: pairs %2%, all tasks %3% · %4 samples per task (%5)</source>
        <translation>平均シャープネス %1 · 重み分離誤差: ペア %2%、全タスク %3% · タスクあたり %4 サンプル (%5)</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>精度 (%)</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <source>Mean accuracy on %1 and %2 (%) at base + a·τ(%1) + b·τ(%2); rows a, columns b</source>
        <translation>ベース + a·τ(%1) + b·τ(%2) での %1 と %2 の平均精度 (%)。行 a、列 b</translation>
    </message>
    <message>
        <source>Mean loss on %1 and %2 at base + a·τ(%1) + b·τ(%2); rows a, columns b</source>
        <translation>ベース + a·τ(%1) + b·τ(%2) での %1 と %2 の平均損失。行 a、列 b</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 点</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ExpertsPage</name>
    <message>
        <source>No MoE checkpoint open</source>
        <translation>MoE チェックポイントが開かれていません</translation>
    </message>
    <message>
        <source>MoE checkpoint</source>
        <translation>MoE チェックポイント</translation>
    </message>
    <message>
        <source>Open MoE &amp;File…</source>
        <translation>MoE ファイルを開く(&amp;F)…</translation>
    </message>
    <message>
        <source>Open a Mixture-of-Experts checkpoint file (.safetensors, .bin, .h5)</source>
        <translation>Mixture-of-Experts のチェックポイントファイル (.safetensors、.bin、.h5) を開きます</translation>
    </message>
    <message>
        <source>Open MoE F&amp;older…</source>
        <translation>MoE フォルダを開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a Hugging Face style folder with config.json</source>
        <translation>config.json を含む Hugging Face 形式のフォルダを開きます</translation>
    </message>
    <message>
        <source>MoE layer</source>
        <translation>MoE 層</translation>
    </message>
    <message>
        <source>The MoE layer whose experts are shown</source>
        <translation>エキスパートを表示する MoE 層</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>モデル:</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>層:</translation>
    </message>
    <message>
        <source>Open an MoE checkpoint, or a project with one among its models.</source>
        <translation>MoE チェックポイント、または MoE モデルを含むプロジェクトを開いてください。</translation>
    </message>
    <message>
        <source>Expert similarity</source>
        <translation>エキスパートの類似度</translation>
    </message>
    <message>
        <source>cosine similarity of expert weights</source>
        <translation>エキスパートの重みのコサイン類似度</translation>
    </message>
    <message>
        <source>Expert merge tree</source>
        <translation>エキスパートのマージ木</translation>
    </message>
    <message>
        <source>Experts kept per layer:</source>
        <translation>層ごとに残すエキスパート数:</translation>
    </message>
    <message>
        <source>Experts kept per layer</source>
        <translation>層ごとに残すエキスパート数</translation>
    </message>
    <message>
        <source>K: each layer&apos;s experts are grouped into K groups by the merge tree</source>
        <translation>K: 各層のエキスパートをマージ木に従って K 個のグループにまとめます</translation>
    </message>
    <message>
        <source>&amp;Merge to K…</source>
        <translation>K 個にマージ(&amp;M)…</translation>
    </message>
    <message>
        <source>Merge each group&apos;s experts and router rows into one expert and write a new checkpoint</source>
        <translation>各グループのエキスパートとルーターの行を 1 つのエキスパートにマージし、新しいチェックポイントを書き出します</translation>
    </message>
    <message>
        <source>Open MoE Checkpoint</source>
        <translation>MoE チェックポイントを開く</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.bin *.pt *.pth *.h5);;All files (*)</source>
        <translation>チェックポイント (*.safetensors *.bin *.pt *.pth *.h5);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Open MoE Checkpoint Folder</source>
        <translation>MoE チェックポイントフォルダを開く</translation>
    </message>
    <message>
        <source>Analysis cancelled.</source>
        <translation>分析をキャンセルしました。</translation>
    </message>
    <message>
        <source>Merge cancelled; nothing was written.</source>
        <translation>マージをキャンセルしました。何も書き込まれていません。</translation>
    </message>
    <message>
        <source>Merge failed: %1</source>
        <translation>マージに失敗しました: %1</translation>
    </message>
    <message>
        <source>Analysing the experts of %1…</source>
        <translation>%1 のエキスパートを分析中…</translation>
    </message>
    <message>
        <source>Looking for an MoE checkpoint among the project&apos;s models…</source>
        <translation>プロジェクトのモデルから MoE チェックポイントを探しています…</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 層</translation>
    </message>
    <message>
        <source>e%1</source>
        <translation>e%1</translation>
    </message>
    <message>
        <source>Merge tree, layer %1 (average linkage)</source>
        <translation>マージ木、第 %1 層 (平均連結法)</translation>
    </message>
    <message>
        <source>Expert similarity (weights), layer %1</source>
        <translation>エキスパートの類似度 (重み)、第 %1 層</translation>
    </message>
    <message>
        <source>Experts kept per layer: %1</source>
        <translation>層ごとに残すエキスパート数: %1</translation>
    </message>
    <message>
        <source>e%1 (%2)</source>
        <translation>e%1 (%2)</translation>
    </message>
    <message>
        <source>saves %1 of %2 parameters (%3%)</source>
        <translation>パラメータ %2 個のうち %1 個を削減 (%3%)</translation>
    </message>
    <message>
        <source>&amp;Merge to %1…</source>
        <translation>%1 個にマージ(&amp;M)…</translation>
    </message>
    <message>
        <source>Write Merged MoE (folder)</source>
        <translation>マージ済み MoE の書き出し (フォルダ)</translation>
    </message>
    <message>
        <source>Merging every layer to %1 experts into %2…</source>
        <translation>各層を %1 個のエキスパートにマージして %2 へ書き出し中…</translation>
    </message>
    <message>
        <source>Merge experts to %1</source>
        <translation>エキスパートを %1 個にマージ</translation>
    </message>
    <message>
        <source>Written %1: %2 → %3 experts per layer, %4 → %5 parameters.</source>
        <translation>%1 を書き出しました: 層ごとのエキスパート %2 → %3 個、パラメータ %4 → %5 個。</translation>
    </message>
    <message>
        <source>Average accuracy %1 → %2 (%3% retained).</source>
        <translation>平均精度 %1 → %2 (%3% を維持)。</translation>
    </message>
    <message>
        <source>No accuracy: %1.</source>
        <translation>精度なし: %1。</translation>
    </message>
    <message>
        <source>No Mixture-of-Experts checkpoint in this project. Open one with the buttons above (e.g. a model written by mergelab-cli btx).</source>
        <translation>このプロジェクトには Mixture-of-Experts のチェックポイントがありません。上のボタンで開いてください (例: mergelab-cli btx で書き出したモデル)。</translation>
    </message>
    <message>
        <source>Expert similarity (outputs on the project&apos;s val text), layer %1</source>
        <translation>エキスパートの類似度（プロジェクトの検証テキストでの出力）、層 %1</translation>
    </message>
    <message>
        <source>cosine similarity of expert outputs</source>
        <translation>エキスパート出力のコサイン類似度</translation>
    </message>
    <message>
        <source>Perplexity on the test texts %1 → %2 (geometric mean; lower is better).</source>
        <translation>テストテキストでのパープレキシティ %1 → %2（幾何平均、低いほど良い）。</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ExportDialog</name>
    <message>
        <source>Export Merged Checkpoint</source>
        <translation>マージ済みチェックポイントのエクスポート</translation>
    </message>
    <message numerus="yes">
        <source>Merge: %1 of %n fine-tuned model(s) onto %2.</source>
        <translation>
            <numerusform>マージ: %n 個のファインチューニング済みモデルを %1 で %2 に統合します。</numerusform>
        </translation>
    </message>
    <message>
        <source>no base</source>
        <translation>ベースなし</translation>
    </message>
    <message>
        <source>safetensors, one file</source>
        <translation>safetensors (単一ファイル)</translation>
    </message>
    <message>
        <source>safetensors, sharded folder</source>
        <translation>safetensors (シャード分割フォルダ)</translation>
    </message>
    <message>
        <source>HDF5 (.h5)</source>
        <translation>HDF5 (.h5)</translation>
    </message>
    <message>
        <source>Output format</source>
        <translation>出力形式</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>形式(&amp;F):</translation>
    </message>
    <message>
        <source>Keep the base&apos;s dtype</source>
        <translation>ベースのデータ型を維持</translation>
    </message>
    <message>
        <source>Output dtype</source>
        <translation>出力データ型</translation>
    </message>
    <message>
        <source>&amp;DType:</source>
        <translation>データ型(&amp;D):</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Largest shard size in megabytes</source>
        <translation>シャードの最大サイズ (MB)</translation>
    </message>
    <message>
        <source>Largest shard of a sharded folder (1 MB = 1,000,000 bytes).</source>
        <translation>シャード分割フォルダの各シャードの最大サイズ (1 MB = 1,000,000 バイト)。</translation>
    </message>
    <message>
        <source>&amp;Shard size:</source>
        <translation>シャードサイズ(&amp;S):</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>出力先</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>参照(&amp;B)…</translation>
    </message>
    <message>
        <source>Choose the destination</source>
        <translation>出力先を選択</translation>
    </message>
    <message>
        <source>D&amp;estination:</source>
        <translation>出力先(&amp;E):</translation>
    </message>
    <message>
        <source>Export progress</source>
        <translation>エクスポートの進捗</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>タスク</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>精度 (%)</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>サンプル数</translation>
    </message>
    <message>
        <source>Accuracy of the exported checkpoint per task</source>
        <translation>エクスポートしたチェックポイントのタスク別精度</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>エクスポート(&amp;E)</translation>
    </message>
    <message>
        <source>Start the export</source>
        <translation>エクスポートを開始</translation>
    </message>
    <message>
        <source>E&amp;valuate on Test Split</source>
        <translation>テスト分割で評価(&amp;V)</translation>
    </message>
    <message>
        <source>Evaluate the exported checkpoint on the test split</source>
        <translation>エクスポートしたチェックポイントをテスト分割で評価</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Cancel the running job, or close</source>
        <translation>実行中のジョブをキャンセル、または閉じる</translation>
    </message>
    <message>
        <source>Accuracy of the written checkpoint on every task&apos;s test split.</source>
        <translation>書き出したチェックポイントの各タスクのテスト分割での精度。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Export to Folder</source>
        <translation>フォルダへエクスポート</translation>
    </message>
    <message>
        <source>Folders (*)</source>
        <translation>フォルダ (*)</translation>
    </message>
    <message>
        <source>HDF5 checkpoints (*.h5)</source>
        <translation>HDF5 チェックポイント (*.h5)</translation>
    </message>
    <message>
        <source>safetensors checkpoints (*.safetensors)</source>
        <translation>safetensors チェックポイント (*.safetensors)</translation>
    </message>
    <message>
        <source>Export to File</source>
        <translation>ファイルへエクスポート</translation>
    </message>
    <message>
        <source>Choose a destination first.</source>
        <translation>先に出力先を選択してください。</translation>
    </message>
    <message>
        <source>%1 already exists; choose another name (an export never replaces a file).</source>
        <translation>%1 は既に存在します。別の名前を選んでください (エクスポートは既存のファイルを置き換えません)。</translation>
    </message>
    <message>
        <source>%1: the folder does not exist.</source>
        <translation>%1: フォルダが存在しません。</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>%1 へエクスポート中…</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>%1 をエクスポート</translation>
    </message>
    <message>
        <source>Evaluating %1 on the test split…</source>
        <translation>%1 をテスト分割で評価中…</translation>
    </message>
    <message>
        <source>Evaluate %1</source>
        <translation>%1 を評価</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>エクスポートをキャンセルしました。何も書き込まれていません。</translation>
    </message>
    <message>
        <source>Evaluation cancelled.</source>
        <translation>評価をキャンセルしました。</translation>
    </message>
    <message>
        <source>Wrote %1 and its recipe %2.</source>
        <translation>%1 とそのレシピ %2 を書き出しました。</translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s); see the log.</source>
        <translation>
            <numerusform>警告 %n 件。ログを確認してください。</numerusform>
        </translation>
    </message>
    <message>
        <source>Evaluate it on the test split?</source>
        <translation>テスト分割で評価しますか?</translation>
    </message>
    <message>
        <source>average</source>
        <translation>平均</translation>
    </message>
    <message numerus="yes">
        <source>Test-split accuracy of %1: %2 % on average over %n task(s).</source>
        <translation>
            <numerusform>%1 のテスト分割での精度: %n タスクの平均 %2 %。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::gui::GuiJobRunner</name>
    <message>
        <source>Cancelled</source>
        <translation>キャンセルされました</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::JobsDock</name>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>No running jobs.</source>
        <translation>実行中のジョブはありません。</translation>
    </message>
    <message>
        <source>Progress of %1</source>
        <translation>%1 の進捗</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Cancel %1</source>
        <translation>%1 をキャンセル</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <source>Esc cancels the newest job.</source>
        <translation>Esc で最新のジョブをキャンセルします。</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::LearnPage</name>
    <message>
        <source>Open a model set to use this page.</source>
        <translation>このページを使うにはモデルセットを開いてください。</translation>
    </message>
    <message>
        <source>Learned merge method</source>
        <translation>学習型マージ手法</translation>
    </message>
    <message>
        <source>Fisher merging</source>
        <translation>Fisher マージ</translation>
    </message>
    <message>
        <source>RegMean</source>
        <translation>RegMean</translation>
    </message>
    <message>
        <source>AdaMerging, task-wise</source>
        <translation>AdaMerging (タスク単位)</translation>
    </message>
    <message>
        <source>AdaMerging, layer-wise</source>
        <translation>AdaMerging (層単位)</translation>
    </message>
    <message>
        <source>WEMoE (weight-ensembling MoE)</source>
        <translation>WEMoE (重みアンサンブル MoE)</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <source>Samples per task</source>
        <translation>タスクあたりのサンプル数</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>サンプル数</translation>
    </message>
    <message>
        <source>Training steps</source>
        <translation>学習ステップ数</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>ステップ数</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <source>Batch per task</source>
        <translation>タスクあたりのバッチ</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <source>RegMean alpha</source>
        <translation>RegMean の α</translation>
    </message>
    <message>
        <source>RegMean: off-diagonal entries of each Gram matrix are scaled by alpha</source>
        <translation>RegMean: 各グラム行列の非対角成分を α 倍します</translation>
    </message>
    <message>
        <source>α (RegMean)</source>
        <translation>α (RegMean)</translation>
    </message>
    <message>
        <source>Initial lambda</source>
        <translation>λ の初期値</translation>
    </message>
    <message>
        <source>AdaMerging: initial coefficients; WEMoE: task-arithmetic λ and initial routing</source>
        <translation>AdaMerging: 係数の初期値、WEMoE: タスク算術の λ とルーティングの初期値</translation>
    </message>
    <message>
        <source>λ</source>
        <translation>λ</translation>
    </message>
    <message>
        <source>Validate every N steps</source>
        <translation>N ステップごとに検証</translation>
    </message>
    <message>
        <source>Validate every</source>
        <translation>検証の間隔</translation>
    </message>
    <message>
        <source>Validation samples per task</source>
        <translation>タスクあたりの検証サンプル数</translation>
    </message>
    <message>
        <source>Validation samples</source>
        <translation>検証サンプル数</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>実行(&amp;R)</translation>
    </message>
    <message>
        <source>Run learned merge</source>
        <translation>学習型マージを実行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Cancel learned merge</source>
        <translation>学習型マージをキャンセル</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>エクスポート(&amp;E)…</translation>
    </message>
    <message>
        <source>Export learned merge</source>
        <translation>学習型マージをエクスポート</translation>
    </message>
    <message>
        <source>Save the result: a .safetensors file, or a folder for WEMoE</source>
        <translation>結果を保存します: .safetensors ファイル、WEMoE の場合はフォルダ</translation>
    </message>
    <message>
        <source>Loss per step</source>
        <translation>ステップごとの損失</translation>
    </message>
    <message>
        <source>Validation accuracy per task</source>
        <translation>タスクごとの検証精度</translation>
    </message>
    <message>
        <source>Routing heatmap block</source>
        <translation>ルーティングのヒートマップのブロック</translation>
    </message>
    <message>
        <source>WEMoE routing, block</source>
        <translation>WEMoE のルーティング、ブロック</translation>
    </message>
    <message>
        <source>Mean routing weight per input task and task vector</source>
        <translation>入力タスクとタスクベクトルごとの平均ルーティング重み</translation>
    </message>
    <message>
        <source>mean routing weight</source>
        <translation>平均ルーティング重み</translation>
    </message>
    <message>
        <source>Done: %1 steps. Export saves the result.</source>
        <translation>完了: %1 ステップ。エクスポートで結果を保存できます。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>キャンセルしました。</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失敗: %1</translation>
    </message>
    <message>
        <source>Choose a method and press Run: it learns from the project&apos;s datasets.</source>
        <translation>手法を選んで「実行」を押してください。プロジェクトのデータセットから学習します。</translation>
    </message>
    <message>
        <source>This page needs a project with a native ViT (clip_vit), heads and datasets.</source>
        <translation>このページには、ネイティブ ViT (clip_vit)、ヘッド、データセットを含むプロジェクトが必要です。</translation>
    </message>
    <message>
        <source>Learned merge: %1</source>
        <translation>学習型マージ: %1</translation>
    </message>
    <message>
        <source>Running %1…</source>
        <translation>%1 を実行中…</translation>
    </message>
    <message>
        <source>Step %1 of %2, loss %3</source>
        <translation>ステップ %1 / %2、損失 %3</translation>
    </message>
    <message>
        <source>mean entropy</source>
        <translation>平均エントロピー</translation>
    </message>
    <message>
        <source>step</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <source>entropy (nats)</source>
        <translation>エントロピー (nats)</translation>
    </message>
    <message>
        <source>task %1</source>
        <translation>タスク %1</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>精度 (%)</translation>
    </message>
    <message>
        <source>block %1</source>
        <translation>ブロック %1</translation>
    </message>
    <message>
        <source>τ %1</source>
        <translation>τ %1</translation>
    </message>
    <message>
        <source>WEMoE routing (appears at validation steps of a WEMoE run)</source>
        <translation>WEMoE のルーティング (WEMoE 実行中の検証ステップで表示されます)</translation>
    </message>
    <message>
        <source>Mean routing weight, block %1: input task × task vector</source>
        <translation>平均ルーティング重み、ブロック %1: 入力タスク × タスクベクトル</translation>
    </message>
    <message>
        <source>Export WEMoE model (folder)</source>
        <translation>WEMoE モデルをエクスポート (フォルダ)</translation>
    </message>
    <message>
        <source>WEMoE folder (*)</source>
        <translation>WEMoE フォルダ (*)</translation>
    </message>
    <message>
        <source>Export merged model</source>
        <translation>マージ済みモデルをエクスポート</translation>
    </message>
    <message>
        <source>safetensors (*.safetensors)</source>
        <translation>safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>%1 をエクスポート</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 をエクスポートしました</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>エクスポートに失敗しました: %1</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>エクスポートを取り消しました。</translation>
    </message>
    <message>
        <source>all</source>
        <translation>すべて</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::LogDock</name>
    <message>
        <source>Log</source>
        <translation>ログ</translation>
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
        <translation>チェックポイント</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Understand</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Tune</source>
        <translation>調整</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Experts</source>
        <translation>エキスパート</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>診断</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation>開始: %1</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失敗: %1</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>キャンセルされました</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New Project</source>
        <translation>新規プロジェクト(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open Project…</source>
        <translation>プロジェクトを開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったプロジェクト(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>プロジェクトを保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save Project &amp;As…</source>
        <translation>名前を付けてプロジェクトを保存(&amp;A)…</translation>
    </message>
    <message>
        <source>Add &amp;Checkpoints to Project…</source>
        <translation>プロジェクトにチェックポイントを追加(&amp;C)…</translation>
    </message>
    <message>
        <source>Add Checkpoint F&amp;older to Project…</source>
        <translation>プロジェクトにチェックポイントフォルダを追加(&amp;O)…</translation>
    </message>
    <message>
        <source>Inspect Checkpoint &amp;File…</source>
        <translation>チェックポイントファイルを調べる(&amp;F)…</translation>
    </message>
    <message>
        <source>Inspect Checkpoint Fol&amp;der…</source>
        <translation>チェックポイントフォルダを調べる(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Export Merged Checkpoint…</source>
        <translation>マージ済みチェックポイントをエクスポート(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>設定(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Cancel All Jobs</source>
        <translation>すべてのジョブをキャンセル(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About MergeLab</source>
        <translation>MergeLab について(&amp;A)</translation>
    </message>
    <message>
        <source>About MergeLab</source>
        <translation>MergeLab について</translation>
    </message>
    <message>
        <source>MergeLab %1
A workbench for merging fine-tuned neural networks.</source>
        <translation>MergeLab %1
ファインチューニング済みニューラルネットワークをマージするためのワークベンチ。</translation>
    </message>
    <message>
        <source>No recent projects</source>
        <translation>最近使ったプロジェクトはありません</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>一覧を消去(&amp;C)</translation>
    </message>
    <message>
        <source>Open Checkpoint</source>
        <translation>チェックポイントを開く</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.bin *.pt *.pth *.h5 *.hdf5 *.index.json);;All files (*)</source>
        <translation>チェックポイント (*.safetensors *.bin *.pt *.pth *.h5 *.hdf5 *.index.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Open Checkpoint Folder</source>
        <translation>チェックポイントフォルダを開く</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>プロジェクトを開く</translation>
    </message>
    <message>
        <source>MergeLab projects (*.mergelab.json);;All files (*)</source>
        <translation>MergeLab プロジェクト (*.mergelab.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>No project to save: open one or start a new one.</source>
        <translation>保存するプロジェクトがありません。プロジェクトを開くか、新規作成してください。</translation>
    </message>
    <message>
        <source>Save Project As</source>
        <translation>名前を付けてプロジェクトを保存</translation>
    </message>
    <message>
        <source>MergeLab projects (*.mergelab.json)</source>
        <translation>MergeLab プロジェクト (*.mergelab.json)</translation>
    </message>
    <message>
        <source>%1: a project needs a base checkpoint; add checkpoints first.</source>
        <translation>%1: プロジェクトにはベースのチェックポイントが必要です。先にチェックポイントを追加してください。</translation>
    </message>
    <message>
        <source>Saved project %1</source>
        <translation>プロジェクト %1 を保存しました</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 を保存しました</translation>
    </message>
    <message>
        <source>Save Project?</source>
        <translation>プロジェクトを保存しますか?</translation>
    </message>
    <message>
        <source>The project has unsaved changes (names, colours, base or checkpoints). Save them?</source>
        <translation>プロジェクトに未保存の変更 (名前、色、ベース、チェックポイント) があります。保存しますか?</translation>
    </message>
    <message>
        <source>Add Checkpoints</source>
        <translation>チェックポイントを追加</translation>
    </message>
    <message>
        <source>Add Checkpoint Folder</source>
        <translation>チェックポイントフォルダを追加</translation>
    </message>
    <message>
        <source>Adding %1</source>
        <translation>%1 を追加中</translation>
    </message>
    <message numerus="yes">
        <source>Adding %n checkpoint(s)</source>
        <translation>
            <numerusform>チェックポイント %n 個を追加中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n checkpoint(s) to the project</source>
        <translation>
            <numerusform>チェックポイント %n 個をプロジェクトに追加しました</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 added checkpoints could not be opened; see the Models page.</source>
        <translation>追加した %2 個のチェックポイントのうち %1 個を開けませんでした。モデルページを確認してください。</translation>
    </message>
    <message>
        <source>Untitled project</source>
        <translation>無題のプロジェクト</translation>
    </message>
    <message>
        <source>%1[*] — MergeLab</source>
        <translation>%1[*] — MergeLab</translation>
    </message>
    <message>
        <source>Nothing to export yet: open a project, then choose a merge on the Tune page.</source>
        <translation>まだエクスポートするものがありません。プロジェクトを開き、調整ページでマージを選んでください。</translation>
    </message>
    <message>
        <source>The Tune page has no valid merge to export: choose a method and fix the parameters marked invalid there.</source>
        <translation>調整ページに有効なマージがありません。手法を選び、無効と表示されたパラメータを修正してください。</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 をエクスポートしました</translation>
    </message>
    <message>
        <source>Opening project %1</source>
        <translation>プロジェクト %1 を開いています</translation>
    </message>
    <message>
        <source>Opened project %1 (%2 checkpoints)</source>
        <translation>プロジェクト %1 を開きました (チェックポイント %2 個)</translation>
    </message>
    <message>
        <source>%1 of %2 checkpoints in %3 could not be opened; see the Models page.</source>
        <translation>%3 の %2 個のチェックポイントのうち %1 個を開けませんでした。モデルページを確認してください。</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>%1 を開いています</translation>
    </message>
    <message>
        <source>%1 — MergeLab</source>
        <translation>%1 — MergeLab</translation>
    </message>
    <message>
        <source>Opened %1 (%2, %3 tensors, index read in %4 ms)</source>
        <translation>%1 を開きました (%2、テンソル %3 個、インデックス読み込み %4 ms)</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ModelSetPage</name>
    <message>
        <source>No project open. Use File → Open Project…, File → New Project, or drop a *.mergelab.json file or checkpoints here.</source>
        <translation>プロジェクトが開かれていません。ファイル → プロジェクトを開く… / ファイル → 新規プロジェクト を使うか、*.mergelab.json ファイルまたはチェックポイントをここにドロップしてください。</translation>
    </message>
    <message>
        <source>Models of the project</source>
        <translation>プロジェクトのモデル</translation>
    </message>
    <message>
        <source>Use as &amp;Base</source>
        <translation>ベースに設定(&amp;B)</translation>
    </message>
    <message>
        <source>Make the selected checkpoint the pretrained base; task vectors are taken from it.</source>
        <translation>選択したチェックポイントを事前学習モデル (ベース) にします。タスクベクトルはこのモデルとの差分として求めます。</translation>
    </message>
    <message>
        <source>Use the selected checkpoint as the base</source>
        <translation>選択したチェックポイントをベースに設定</translation>
    </message>
    <message>
        <source>&amp;Colour…</source>
        <translation>色(&amp;C)…</translation>
    </message>
    <message>
        <source>Choose the colour of the selected model in charts (or double-click its swatch).</source>
        <translation>グラフでの選択モデルの色を選びます (色見本をダブルクリックしても選べます)。</translation>
    </message>
    <message>
        <source>Choose the colour of the selected model</source>
        <translation>選択モデルの色を選択</translation>
    </message>
    <message>
        <source>&amp;Add Checkpoints…</source>
        <translation>チェックポイントを追加(&amp;A)…</translation>
    </message>
    <message>
        <source>Add checkpoint files to the project (or drop them on the window).</source>
        <translation>チェックポイントファイルをプロジェクトに追加します (ウィンドウへのドロップでも追加できます)。</translation>
    </message>
    <message>
        <source>Add checkpoint files to the project</source>
        <translation>チェックポイントファイルをプロジェクトに追加</translation>
    </message>
    <message>
        <source>Add &amp;Folder…</source>
        <translation>フォルダを追加(&amp;F)…</translation>
    </message>
    <message>
        <source>Add a checkpoint folder (sharded safetensors, Hugging Face layout) to the project.</source>
        <translation>チェックポイントフォルダ (シャード分割 safetensors、Hugging Face 形式) をプロジェクトに追加します。</translation>
    </message>
    <message>
        <source>Add a checkpoint folder to the project</source>
        <translation>チェックポイントフォルダをプロジェクトに追加</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>削除(&amp;R)</translation>
    </message>
    <message>
        <source>Remove the selected checkpoint from the project (the file stays on disk).</source>
        <translation>選択したチェックポイントをプロジェクトから外します (ファイルはディスクに残ります)。</translation>
    </message>
    <message>
        <source>Remove the selected checkpoint from the project</source>
        <translation>選択したチェックポイントをプロジェクトから外す</translation>
    </message>
    <message>
        <source>Tensors of the selected model</source>
        <translation>選択モデルのテンソル</translation>
    </message>
    <message>
        <source>Untitled project</source>
        <translation>無題のプロジェクト</translation>
    </message>
    <message>
        <source>%1 — empty: add checkpoints with the buttons below or drop files or folders on the window; the first one becomes the base.</source>
        <translation>%1 — 空: 下のボタンでチェックポイントを追加するか、ファイルやフォルダをウィンドウにドロップしてください。最初のものがベースになります。</translation>
    </message>
    <message>
        <source>%1 — a base and 1 fine-tuned model</source>
        <translation>%1 — ベースとファインチューニング済みモデル 1 個</translation>
    </message>
    <message>
        <source>%1 — a base and %2 fine-tuned models</source>
        <translation>%1 — ベースとファインチューニング済みモデル %2 個</translation>
    </message>
    <message>
        <source>Tensors of %1</source>
        <translation>%1 のテンソル</translation>
    </message>
    <message>
        <source>Colour of %1</source>
        <translation>%1 の色</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ModelSetTableModel</name>
    <message>
        <source>model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>base</source>
        <translation>ベース</translation>
    </message>
    <message>
        <source>fine-tune</source>
        <translation>ファインチューニング</translation>
    </message>
    <message>
        <source>error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>Double-click the name to rename; double-click the colour swatch to change the colour.</source>
        <translation>名前をダブルクリックすると名前を変更、色見本をダブルクリックすると色を変更できます。</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>役割</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>形式</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>パラメータ数</translation>
    </message>
    <message>
        <source>DType</source>
        <translation>データ型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>パス</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>User interface language</source>
        <translation>表示言語</translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation>システムの既定 (%1)</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <source>Offer the demo model set when started without a project</source>
        <translation>プロジェクトなしで起動したときにデモ用モデルセットを案内する</translation>
    </message>
    <message>
        <source>Offer the demo model set at start</source>
        <translation>起動時にデモ用モデルセットを案内</translation>
    </message>
    <message>
        <source>Restart note</source>
        <translation>再起動の注意</translation>
    </message>
    <message>
        <source>The new language applies when MergeLab restarts.</source>
        <translation>新しい言語は MergeLab の再起動後に反映されます。</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::ProjectDocument</name>
    <message>
        <source>%1: the project has no base checkpoint.</source>
        <translation>%1: プロジェクトにベースのチェックポイントがありません。</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::TuneGeneratePanel</name>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Prompt to complete with every model</source>
        <translation>すべてのモデルで続きを生成するプロンプト</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <source>Maximum new tokens</source>
        <translation>生成する最大トークン数</translation>
    </message>
    <message>
        <source>Tokens to generate at most (generation also stops at the end-of-text token)</source>
        <translation>生成するトークン数の上限 (文末トークンでも生成を終えます)</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>0: greedy (the most likely token each step); above 0: sampling</source>
        <translation>0: 貪欲法 (各ステップで最も確率の高いトークン)、0 より大きい値: サンプリング</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <source>Sampling seed: the same seed gives the same text</source>
        <translation>サンプリングのシード: 同じシードなら同じテキストになります</translation>
    </message>
    <message>
        <source>Generate with every model</source>
        <translation>すべてのモデルで生成</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Cancel the generation</source>
        <translation>生成をキャンセル</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>プロンプト:</translation>
    </message>
    <message>
        <source>Max new tokens:</source>
        <translation>最大トークン数:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>シード:</translation>
    </message>
    <message>
        <source>Completions</source>
        <translation>生成結果</translation>
    </message>
    <message>
        <source>Completes the prompt with the base, each fine-tuned model and the current merge.</source>
        <translation>ベース、各ファインチューニング済みモデル、現在のマージでプロンプトの続きを生成します。</translation>
    </message>
    <message>
        <source>Generation needs a language-model project.</source>
        <translation>生成には言語モデルのプロジェクトが必要です。</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <source>Generate: %1 models</source>
        <translation>生成: %1 モデル</translation>
    </message>
    <message>
        <source>merge</source>
        <translation>マージ</translation>
    </message>
    <message>
        <source>(not generated: %1)</source>
        <translation>(生成していません: %1)</translation>
    </message>
    <message>
        <source>Generation cancelled.</source>
        <translation>生成をキャンセルしました。</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>生成に失敗しました: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n model(s) completed the prompt in %1 s.</source>
        <translation>
            <numerusform>%n 個のモデルが %1 秒でプロンプトの続きを生成しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>The merge changed since this generation: press Generate to complete with the new one.</source>
        <translation>この生成の後にマージが変わりました。新しいマージで生成するには「生成」を押してください。</translation>
    </message>
    <message>
        <source>Completion by %1</source>
        <translation>%1 による生成結果</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::TunePage</name>
    <message>
        <source>Open a model set to use this page.</source>
        <translation>このページを使うにはモデルセットを開いてください。</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <source>Merge method</source>
        <translation>マージ手法</translation>
    </message>
    <message>
        <source>Task coefficients</source>
        <translation>タスク係数</translation>
    </message>
    <message>
        <source>Global λ slider</source>
        <translation>全体の λ スライダー</translation>
    </message>
    <message>
        <source>Global λ</source>
        <translation>全体の λ</translation>
    </message>
    <message>
        <source>λ scales the merged task vector (θ = θ0 + λ Σ wi τi)</source>
        <translation>λ はマージしたタスクベクトルの倍率です (θ = θ0 + λ Σ wi τi)</translation>
    </message>
    <message>
        <source>&lt;b&gt;global λ&lt;/b&gt;</source>
        <translation>&lt;b&gt;全体の λ&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Per-task parameters</source>
        <translation>タスクごとのパラメータ</translation>
    </message>
    <message>
        <source>Per-layer / per-pattern overrides</source>
        <translation>層・パターンごとの上書き</translation>
    </message>
    <message>
        <source>Overrides</source>
        <translation>上書き</translation>
    </message>
    <message>
        <source>Tensor filter</source>
        <translation>テンソルフィルタ</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>パラメータ</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Tensors whose name contains the filter (or matches re:&lt;regex&gt;) use this value; the first matching row wins</source>
        <translation>名前にフィルタを含む (または re:&lt;正規表現&gt; に一致する) テンソルにこの値を使います。最初に一致した行が優先されます</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <source>Add override</source>
        <translation>上書きを追加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Remove override</source>
        <translation>上書きを削除</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>やり直す</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>エクスポート…</translation>
    </message>
    <message>
        <source>Undo the last change (Ctrl+Z)</source>
        <translation>最後の変更を元に戻す (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>やり直す (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <source>Export the merge</source>
        <translation>マージをエクスポート</translation>
    </message>
    <message>
        <source>Write this merge as a checkpoint (Ctrl+E)</source>
        <translation>このマージをチェックポイントとして書き出す (Ctrl+E)</translation>
    </message>
    <message>
        <source>Evaluation latency</source>
        <translation>評価の所要時間</translation>
    </message>
    <message>
        <source>Accuracy per task</source>
        <translation>タスクごとの精度</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>精度 (%)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <source>&lt;opened&gt;</source>
        <translation>&lt;開いた時点&gt;</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>操作履歴</translation>
    </message>
    <message>
        <source>Apply sweep point</source>
        <translation>スイープの点を適用</translation>
    </message>
    <message>
        <source>Live evaluation needs a project with fine-tuned models, an architecture and evaluation data per task; the merge can still be exported.</source>
        <translation>その場での評価には、ファインチューニング済みモデル、アーキテクチャ、タスクごとの評価データを含むプロジェクトが必要です。マージのエクスポートは可能です。</translation>
    </message>
    <message>
        <source>Loading %1 checkpoints and the validation data…</source>
        <translation>チェックポイント %1 個と検証データを読み込み中…</translation>
    </message>
    <message>
        <source>Tune: load %1</source>
        <translation>調整: %1 を読み込み</translation>
    </message>
    <message>
        <source>Weight of %1 slider</source>
        <translation>%1 の重みスライダー</translation>
    </message>
    <message>
        <source>Weight of %1</source>
        <translation>%1 の重み</translation>
    </message>
    <message>
        <source>Coefficient wi of %1&apos;s task vector</source>
        <translation>%1 のタスクベクトルのマージ係数 wi</translation>
    </message>
    <message>
        <source>%1 has no per-task weight</source>
        <translation>%1 にはタスクごとの重みがありません</translation>
    </message>
    <message>
        <source>Method %1</source>
        <translation>手法 %1</translation>
    </message>
    <message>
        <source>%1 weight = %2</source>
        <translation>%1 の重み = %2</translation>
    </message>
    <message>
        <source>λ = %1</source>
        <translation>λ = %1</translation>
    </message>
    <message>
        <source>Not evaluated: %1</source>
        <translation>未評価: %1</translation>
    </message>
    <message>
        <source>%1 = %2</source>
        <translation>%1 = %2</translation>
    </message>
    <message>
        <source>%1 of %2 = %3</source>
        <translation>%2 の %1 = %3</translation>
    </message>
    <message>
        <source>override value &quot;%1&quot; is not a number</source>
        <translation>上書きの値 &quot;%1&quot; は数値ではありません</translation>
    </message>
    <message>
        <source>Edit overrides</source>
        <translation>上書きを編集</translation>
    </message>
    <message>
        <source>Evaluating %1 on %2 validation samples per task…</source>
        <translation>タスクあたり %2 個の検証サンプルで %1 を評価中…</translation>
    </message>
    <message>
        <source>Tune: evaluate %1</source>
        <translation>調整: %1 を評価</translation>
    </message>
    <message>
        <source>Loading cancelled.</source>
        <translation>読み込みをキャンセルしました。</translation>
    </message>
    <message>
        <source>Cannot tune: %1</source>
        <translation>調整できません: %1</translation>
    </message>
    <message>
        <source>last evaluation: %1 ms (merge + %2 samples/task)</source>
        <translation>直近の評価: %1 ms (マージ + タスクあたり %2 サンプル)</translation>
    </message>
    <message>
        <source>Tune: full validation</source>
        <translation>調整: 検証データ全体で評価</translation>
    </message>
    <message>
        <source>Evaluation failed: %1</source>
        <translation>評価に失敗しました: %1</translation>
    </message>
    <message>
        <source>last evaluation: %1 ms quick · %2 ms full validation</source>
        <translation>直近の評価: 簡易 %1 ms · 検証データ全体 %2 ms</translation>
    </message>
    <message>
        <source>Full validation failed: %1</source>
        <translation>検証データ全体での評価に失敗しました: %1</translation>
    </message>
    <message>
        <source>average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Accuracy per task (validation)</source>
        <translation>タスクごとの精度 (検証)</translation>
    </message>
    <message>
        <source>pretrained</source>
        <translation>事前学習モデル</translation>
    </message>
    <message>
        <source>fine-tuned (own task)</source>
        <translation>ファインチューニング済み (自タスク)</translation>
    </message>
    <message>
        <source>merged</source>
        <translation>マージ済み</translation>
    </message>
    <message>
        <source>merged (full validation)</source>
        <translation>マージ済み (検証データ全体)</translation>
    </message>
    <message>
        <source>merged (%1 samples/task)</source>
        <translation>マージ済み (タスクあたり %1 サンプル)</translation>
    </message>
    <message>
        <source>Accuracy per task: %1 merged, average %2%</source>
        <translation>タスクごとの精度: %1 のマージ、平均 %2%</translation>
    </message>
    <message>
        <source>Full validation split: %1 ms.</source>
        <translation>検証データ全体: %1 ms。</translation>
    </message>
    <message>
        <source>Quick result; refining on the full validation split…</source>
        <translation>簡易結果です。検証データ全体で精度を更新中…</translation>
    </message>
    <message>
        <source>merged (%1)</source>
        <translation>マージ済み (%1)</translation>
    </message>
    <message>
        <source>a parameter holds an invalid value</source>
        <translation>パラメータに無効な値があります</translation>
    </message>
    <message>
        <source>Perplexity per task (lower is better)</source>
        <translation>タスクごとのパープレキシティ (低いほど良い)</translation>
    </message>
    <message>
        <source>Loading %1 language models and scoring them on the validation split…</source>
        <translation>%1 個の言語モデルを読み込み、検証データで評価しています…</translation>
    </message>
    <message>
        <source>last evaluation: %1 ms (merge + every task)</source>
        <translation>直近の評価: %1 ms (マージ + 全タスク)</translation>
    </message>
    <message>
        <source>Choice accuracy per task (higher is better)</source>
        <translation>タスクごとの選択問題の精度 (高いほど良い)</translation>
    </message>
    <message>
        <source>Scored on the whole validation split in %1 ms.</source>
        <translation>検証データ全体で %1 ms で評価しました。</translation>
    </message>
    <message>
        <source>perplexity (log scale)</source>
        <translation>パープレキシティ(対数)</translation>
    </message>
    <message>
        <source>Perplexity (lower is better): %1, average %2</source>
        <translation>パープレキシティ (低いほど良い): %1、平均 %2</translation>
    </message>
    <message>
        <source>Choice accuracy: %1, average %2%</source>
        <translation>選択問題の精度: %1、平均 %2%</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::TuneSweepPanel</name>
    <message>
        <source>Swept parameter</source>
        <translation>スイープするパラメータ</translation>
    </message>
    <message>
        <source>Sweep from</source>
        <translation>スイープの開始値</translation>
    </message>
    <message>
        <source>Sweep to</source>
        <translation>スイープの終了値</translation>
    </message>
    <message>
        <source>Sweep step</source>
        <translation>スイープの刻み</translation>
    </message>
    <message>
        <source>Run sweep</source>
        <translation>スイープを実行</translation>
    </message>
    <message>
        <source>Parameter:</source>
        <translation>パラメータ:</translation>
    </message>
    <message>
        <source>from</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>to</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>step</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <source>1-D sweep: choose a parameter and run</source>
        <translation>1 次元スイープ: パラメータを選んで実行してください</translation>
    </message>
    <message>
        <source>parameter value</source>
        <translation>パラメータ値</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>精度 (%)</translation>
    </message>
    <message>
        <source>1-D sweep</source>
        <translation>1 次元スイープ</translation>
    </message>
    <message>
        <source>Grid columns: task</source>
        <translation>グリッドの列: タスク</translation>
    </message>
    <message>
        <source>Grid rows: task</source>
        <translation>グリッドの行: タスク</translation>
    </message>
    <message>
        <source>Grid from</source>
        <translation>グリッドの開始値</translation>
    </message>
    <message>
        <source>Grid to</source>
        <translation>グリッドの終了値</translation>
    </message>
    <message>
        <source>Grid values per axis</source>
        <translation>軸ごとの値の数</translation>
    </message>
    <message>
        <source>Run grid</source>
        <translation>グリッドを実行</translation>
    </message>
    <message>
        <source>Columns:</source>
        <translation>列:</translation>
    </message>
    <message>
        <source>rows:</source>
        <translation>行:</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>重み</translation>
    </message>
    <message>
        <source>values</source>
        <translation>値の数</translation>
    </message>
    <message>
        <source>2-D grid: choose two tasks and run</source>
        <translation>2 次元グリッド: 2 つのタスクを選んで実行してください</translation>
    </message>
    <message>
        <source>average accuracy (%)</source>
        <translation>平均精度 (%)</translation>
    </message>
    <message>
        <source>2-D grid</source>
        <translation>2 次元グリッド</translation>
    </message>
    <message>
        <source>Sweeps evaluate one merge per point on the quick validation subset.</source>
        <translation>スイープは各点で 1 回マージし、検証データの小さな部分集合で評価します。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the sweep</source>
        <translation>スイープを停止</translation>
    </message>
    <message>
        <source>%1 (all tasks)</source>
        <translation>%1 (全タスク)</translation>
    </message>
    <message>
        <source>weight of %1</source>
        <translation>%1 の重み</translation>
    </message>
    <message>
        <source>Choose a parameter and a range with from ≤ to and a positive step.</source>
        <translation>パラメータを選び、開始 ≤ 終了 となる範囲と正の刻みを指定してください。</translation>
    </message>
    <message>
        <source>Cannot sweep: %1</source>
        <translation>スイープできません: %1</translation>
    </message>
    <message>
        <source>Choose two different tasks and a range with from &lt; to.</source>
        <translation>異なる 2 つのタスクと、開始 &lt; 終了 となる範囲を指定してください。</translation>
    </message>
    <message>
        <source>Cannot run the grid: %1</source>
        <translation>グリッドを実行できません: %1</translation>
    </message>
    <message>
        <source>Done: %1 points.</source>
        <translation>完了: %1 点。</translation>
    </message>
    <message>
        <source>Evaluating point %1 of %2…</source>
        <translation>%2 点中 %1 点目を評価中…</translation>
    </message>
    <message>
        <source>Sweep point %1 of %2</source>
        <translation>スイープ %2 点中 %1 点目</translation>
    </message>
    <message>
        <source>Sweep stopped after %1 of %2 points.</source>
        <translation>%2 点中 %1 点でスイープを停止しました。</translation>
    </message>
    <message>
        <source>Sweep failed: %1</source>
        <translation>スイープに失敗しました: %1</translation>
    </message>
    <message>
        <source>average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Accuracy while sweeping %1 (%2 of %3 points)</source>
        <translation>%1 をスイープしたときの精度 (%3 点中 %2 点)</translation>
    </message>
    <message>
        <source>Average accuracy (%): columns = weight of %1, rows = weight of %2</source>
        <translation>平均精度 (%): 列 = %1 の重み、行 = %2 の重み</translation>
    </message>
</context>
<context>
    <name>mergelab::gui::UnderstandPage</name>
    <message>
        <source>&amp;Analyze</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>Compute task-vector statistics of the project&apos;s fine-tunes against its base</source>
        <translation>プロジェクトのファインチューニング済みモデルについて、ベースに対するタスクベクトルの統計を計算します</translation>
    </message>
    <message>
        <source>Open a project to analyse its task vectors.</source>
        <translation>タスクベクトルを分析するにはプロジェクトを開いてください。</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>層</translation>
    </message>
    <message>
        <source>cosine similarity</source>
        <translation>コサイン類似度</translation>
    </message>
    <message>
        <source>Analysis cancelled.</source>
        <translation>分析をキャンセルしました。</translation>
    </message>
    <message>
        <source>The project has no fine-tuned models to analyse.</source>
        <translation>プロジェクトに分析するファインチューニング済みモデルがありません。</translation>
    </message>
    <message>
        <source>Analysing %1 fine-tuned models against %2…</source>
        <translation>%2 に対してファインチューニング済みモデル %1 個を分析中…</translation>
    </message>
    <message>
        <source>Analysing %1</source>
        <translation>%1 を分析中</translation>
    </message>
    <message>
        <source>%1 tensors analysed · mean cosine %2 · sign conflicts %3% (top %4% kept per tensor)</source>
        <translation>テンソル %1 個を分析 · 平均コサイン類似度 %2 · 符号の衝突 %3% (テンソルごとに上位 %4% を保持)</translation>
    </message>
    <message>
        <source> · %1 skipped</source>
        <translation> · %1 個をスキップ</translation>
    </message>
    <message>
        <source>All layers</source>
        <translation>全層</translation>
    </message>
    <message>
        <source>Outside layers (%1 tensors)</source>
        <translation>層の外 (テンソル %1 個)</translation>
    </message>
    <message>
        <source>Layer %1 (%2 tensors)</source>
        <translation>第 %1 層 (テンソル %2 個)</translation>
    </message>
    <message>
        <source>Task-vector cosine similarity, all layers</source>
        <translation>タスクベクトルのコサイン類似度 (全層)</translation>
    </message>
    <message>
        <source>Task-vector cosine similarity, outside layers</source>
        <translation>タスクベクトルのコサイン類似度 (層の外)</translation>
    </message>
    <message>
        <source>Task-vector cosine similarity, layer %1</source>
        <translation>タスクベクトルのコサイン類似度 (第 %1 層)</translation>
    </message>
    <message>
        <source>all models</source>
        <translation>全モデル</translation>
    </message>
    <message>
        <source>Task-vector norm per layer</source>
        <translation>層ごとのタスクベクトルのノルム</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>層</translation>
    </message>
    <message>
        <source>‖τ‖ (L2 norm)</source>
        <translation>‖τ‖ (L2 ノルム)</translation>
    </message>
    <message>
        <source>Sign conflicts per layer (TIES, top %1% kept)</source>
        <translation>層ごとの符号の衝突 (TIES、上位 %1% を保持)</translation>
    </message>
    <message>
        <source>conflicts (%)</source>
        <translation>衝突 (%)</translation>
    </message>
    <message>
        <source>Task-vector value distribution</source>
        <translation>タスクベクトルの値の分布</translation>
    </message>
    <message>
        <source>τ value (θi − θ0)</source>
        <translation>τ の値 (θi − θ0)</translation>
    </message>
    <message>
        <source>coordinates (%)</source>
        <translation>座標の割合 (%)</translation>
    </message>
</context>
<context>
    <name>mergelab::widgets::Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation>メッセージを閉じる</translation>
    </message>
</context>
<context>
    <name>mergelab::widgets::DendrogramWidget</name>
    <message>
        <source>Dendrogram</source>
        <translation>樹形図</translation>
    </message>
    <message>
        <source>No merge tree</source>
        <translation>マージ木なし</translation>
    </message>
    <message>
        <source>1 − similarity</source>
        <translation>1 − 類似度</translation>
    </message>
</context>
<context>
    <name>mergelab::widgets::HeatmapWidget</name>
    <message>
        <source>Heatmap</source>
        <translation>ヒートマップ</translation>
    </message>
    <message>
        <source>undefined</source>
        <translation>未定義</translation>
    </message>
    <message>
        <source>No data</source>
        <translation>データなし</translation>
    </message>
</context>
<context>
    <name>mergelab::widgets::TensorTreeModel</name>
    <message>
        <source>1 tensor</source>
        <translation>テンソル 1 個</translation>
    </message>
    <message>
        <source>%1 tensors</source>
        <translation>テンソル %1 個</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 バイト</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>DType</source>
        <translation>データ型</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>パラメータ数</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
</context>
</TS>
