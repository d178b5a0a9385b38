#include "checkpoint_page.h"

#include "format_utils.h"
#include "tensor_tree_model.h"

#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace mergelab::gui {

namespace {

QWidget* makeEmptyState(CheckpointPage* page)
{
    auto* empty = new QWidget(page);
    auto* layout = new QVBoxLayout(empty);
    layout->addStretch(1);
    auto* hint = new QLabel(CheckpointPage::tr("Open a checkpoint file or a Hugging Face folder,\n"
                                               "or drop one onto this window."),
                            empty);
    hint->setAlignment(Qt::AlignCenter);
    layout->addWidget(hint);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    auto* openFile = new QPushButton(CheckpointPage::tr("Open File…"), empty);
    auto* openFolder = new QPushButton(CheckpointPage::tr("Open Folder…"), empty);
    buttons->addWidget(openFile);
    buttons->addWidget(openFolder);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addStretch(2);
    QObject::connect(openFile, &QPushButton::clicked, page, &CheckpointPage::openFileRequested);
    QObject::connect(openFolder, &QPushButton::clicked, page, &CheckpointPage::openFolderRequested);
    return empty;
}

} // namespace

CheckpointPage::CheckpointPage(QWidget* parent) : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);
    m_stack->addWidget(makeEmptyState(this));

    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    m_title = new QLabel(content);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts = new QLabel(content);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_filter = new QLineEdit(content);
    m_filter->setPlaceholderText(tr("Filter tensors by name (e.g. layers.3 or attn)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Tensor name filter"));

    m_model = new widgets::TensorTreeModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterKeyColumn(widgets::TensorTreeModel::NameColumn);
    m_proxy->setFilterRole(widgets::TensorTreeModel::FullNameRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(widgets::TensorTreeModel::SortRole);

    m_view = new QTreeView(content);
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSortingEnabled(false);
    m_view->setAccessibleName(tr("Tensors"));
    // Room between the right-aligned number columns.
    m_view->setStyleSheet(QStringLiteral("QTreeView::item { padding-right: 12px; }"));
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(widgets::TensorTreeModel::NameColumn, QHeaderView::Stretch);
    for (int c = 1; c < widgets::TensorTreeModel::ColumnCount; ++c)
        m_view->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);

    layout->addWidget(m_title);
    layout->addWidget(m_facts);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    m_stack->addWidget(content);

    connect(m_filter, &QLineEdit::textChanged, this, &CheckpointPage::applyFilter);
}

void CheckpointPage::setSummary(const CheckpointSummary& summary)
{
    m_summary = summary;
    m_model->setTree(summary.tree);
    const QFileInfo file(summary.path);
    m_title->setText(file.fileName().isEmpty() ? summary.path : file.fileName());
    m_title->setToolTip(QDir::toNativeSeparators(summary.path));
    const QString facts =
        tr("%1 · %2 · %3 tensors · %4 parameters (%5) · %6 · index read in %7 ms")
            .arg(QDir::toNativeSeparators(file.absoluteFilePath()), summary.format,
                 widgets::groupedCount(m_model->tensorCount()), widgets::groupedCount(m_model->totalParameters()),
                 widgets::humanCount(m_model->totalParameters()), widgets::humanBytes(m_model->totalBytes()))
            .arg(summary.openSeconds * 1000.0, 0, 'f', 1);
    m_facts->setText(facts);
    QStringList meta;
    for (const auto& [key, value] : summary.metadata)
        meta << QStringLiteral("%1 = %2").arg(QString::fromStdString(key), QString::fromStdString(value));
    m_facts->setToolTip(meta.isEmpty() ? QString() : tr("Metadata:\n%1").arg(meta.join(QLatin1Char('\n'))));
    m_stack->setCurrentIndex(summary.tree ? 1 : 0);
    // Show the top levels ("encoder.layers" and its numbered blocks) and open the first block fully,
    // so the shape of one block is visible without expanding every tensor.
    m_view->collapseAll();
    m_view->expandToDepth(1);
    const QModelIndexList firstBlock = m_proxy->match(m_proxy->index(0, 0), Qt::DisplayRole, QStringLiteral("0"), 1,
                                                      Qt::MatchExactly | Qt::MatchRecursive);
    if (!firstBlock.isEmpty())
        m_view->expandRecursively(firstBlock.front());
}

void CheckpointPage::applyFilter(const QString& text)
{
    m_proxy->setFilterFixedString(text);
    if (!text.isEmpty())
        m_view->expandAll();
}

} // namespace mergelab::gui
